// Margin's reading page: the one place where DOM text nodes meet offsets.
//
// The page's text is the concatenation of every text node under #margin-page, in
// document order. An "offset" below is a position in that flat text; Python aligns
// the flat text with the article's canonical plain text once per article, so this
// file never needs to know about canonical offsets. Python talks to the page with
// runJavaScript("Margin.xxx(...)"); the page reports back through a QWebChannel
// object ("bridge") with one method: post(kind, json).
"use strict";

(function () {
  const nodes = [];            // text nodes in document order
  const starts = [];           // flat-text offset of each node
  const index = new Map();     // node -> position in `nodes`
  const layers = new Map();    // layer name -> [[start, end, className], ...]
  let flat = "";
  let bridge = null;
  let scrollQueued = false;
  let selectionTimer = 0;
  let mouseDown = false;

  function post(kind, data) {
    if (bridge) bridge.post(kind, JSON.stringify(data || {}));
  }

  // --- the flat text and its offsets ---------------------------------------------------

  // Blocks are separated by a "\n" in the flat text that no node holds, so words of
  // neighbouring blocks never run together ("HEALTHKetamine") for find and search.
  const BLOCKS = "p, div, li, dt, dd, h1, h2, h3, h4, h5, h6, td, th, caption, "
    + "figcaption, figure, blockquote, pre, header, article, section, table, ul, ol, br";

  function walk(root, parts) {
    if (!root) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let total = parts.join("").length;
    let block = null;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const here = n.parentElement ? n.parentElement.closest(BLOCKS) : null;
      if (here !== block && parts.length) {
        parts.push("\n");
        total += 1;
      }
      block = here;
      index.set(n, nodes.length);
      nodes.push(n);
      starts.push(total);
      parts.push(n.data);
      total += n.data.length;
    }
  }

  function collect() {
    const parts = [];
    walk(document.getElementById("margin-header"), parts);
    if (parts.length) parts.push("\n");
    const bodyStart = parts.join("").length;
    walk(document.getElementById("margin-body"), parts);
    flat = parts.join("");
    return bodyStart;
  }

  function nodeAt(offset) {
    // The last node starting at or before `offset` (binary search).
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function boundary(offset, isEnd) {
    if (!nodes.length) return null;
    offset = Math.max(0, Math.min(offset, flat.length));
    let i = nodeAt(offset);
    // An end exactly at a node start belongs to the previous node's end.
    if (isEnd && i > 0 && starts[i] === offset) i -= 1;
    return [nodes[i], Math.min(offset - starts[i], nodes[i].data.length)];
  }

  function rangeFor(start, end) {
    const a = boundary(start, false), b = boundary(end, true);
    if (!a || !b) return null;
    const range = document.createRange();
    range.setStart(a[0], a[1]);
    range.setEnd(b[0], b[1]);
    return range;
  }

  function offsetOf(container, offset) {
    // A DOM boundary point -> flat offset (the next text position at or after it).
    if (container.nodeType === Node.TEXT_NODE && index.has(container)) {
      return starts[index.get(container)] + offset;
    }
    let target = container.childNodes[offset] || null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    if (target) {
      if (target.nodeType === Node.TEXT_NODE && index.has(target)) return starts[index.get(target)];
      walker.currentNode = target;
    } else {
      // After the last child: continue after the container's subtree.
      let last = container;
      while (last.lastChild) last = last.lastChild;
      walker.currentNode = last;
    }
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (index.has(n)) return starts[index.get(n)];
    }
    return flat.length;
  }

  // --- selection -------------------------------------------------------------------------

  const WORD = /[\p{L}\p{N}\p{M}'’_-]/u;

  function selectionOffsets() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    const start = offsetOf(r.startContainer, r.startOffset);
    const end = offsetOf(r.endContainer, r.endOffset);
    return end > start ? [start, end] : null;
  }

  function rectOf(range) {
    const rects = range.getClientRects();
    const first = rects.length ? rects[0] : range.getBoundingClientRect();
    const last = rects.length ? rects[rects.length - 1] : first;
    return {
      x: first.left, y: first.top, w: first.width, h: first.height,
      ex: last.right, ey: last.bottom, top: range.getBoundingClientRect().top,
    };
  }

  function reportSelection(finished) {
    const offsets = selectionOffsets();
    if (!offsets) {
      post("selection", { start: -1, end: -1, finished: finished });
      return;
    }
    const sel = window.getSelection();
    post("selection", {
      start: offsets[0], end: offsets[1], finished: finished,
      rect: rectOf(sel.getRangeAt(0)), text: sel.toString(),
    });
  }

  function snapSelectionToWords() {
    // A drag that ends inside a word takes the whole word, as double-click does.
    const offsets = selectionOffsets();
    if (!offsets) return;
    let [start, end] = offsets;
    while (start > 0 && WORD.test(flat[start - 1]) && WORD.test(flat[start])) start -= 1;
    while (end < flat.length && WORD.test(flat[end]) && WORD.test(flat[end - 1])) end += 1;
    // Never start or end on white space.
    while (start < end && /\s/.test(flat[start])) start += 1;
    while (end > start && /\s/.test(flat[end - 1])) end -= 1;
    if (start !== offsets[0] || end !== offsets[1]) select(start, end);
  }

  function select(start, end) {
    const range = rangeFor(start, end);
    const sel = window.getSelection();
    sel.removeAllRanges();
    if (range && end > start) sel.addRange(range);
  }

  // --- marks: the CSS Custom Highlight API ---------------------------------------------

  const PRIORITY = { highlights: 1, search: 2, find: 3 };

  function paintLayers() {
    CSS.highlights.clear();
    const byClass = new Map();
    for (const [name, items] of layers) {
      for (const [start, end, cls] of items) {
        const range = rangeFor(start, end);
        if (!range) continue;
        if (!byClass.has(cls)) byClass.set(cls, { ranges: [], priority: PRIORITY[name] || 4 });
        byClass.get(cls).ranges.push(range);
      }
    }
    for (const [cls, entry] of byClass) {
      const highlight = new Highlight(...entry.ranges);
      highlight.priority = entry.priority + (cls.endsWith("current") ? 1 : 0);
      CSS.highlights.set(cls, highlight);
    }
  }

  // --- hovering a highlight ------------------------------------------------------------

  // Custom highlights are ranges, not elements: nothing can carry a title attribute, so
  // the page finds the highlight under the pointer and tells Python, which shows its
  // note as a tooltip. (Keyboard and screen-reader users read the same notes in the
  // annotations panel.) Checked at most every HOVER_INTERVAL_MS, reported only when the
  // highlight under the pointer changes.
  const HOVER_LAYER = "highlights";
  const HOVER_INTERVAL_MS = 60;
  let hoverTimer = 0;
  let hoverPoint = null;      // [clientX, clientY] of the last mousemove, null when out
  let hoveredMark = "";       // "start:end" of the highlight reported last ("" none)

  function offsetAt(x, y) {
    const pos = document.caretPositionFromPoint
      ? document.caretPositionFromPoint(x, y) : null;
    if (pos) return offsetOf(pos.offsetNode, pos.offset);
    const range = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
    return range ? offsetOf(range.startContainer, range.startOffset) : -1;
  }

  function boxAt(range, x, y) {
    for (const r of range.getClientRects()) {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return r;
    }
    return null;
  }

  function markAt(x, y) {
    const items = layers.get(HOVER_LAYER);
    if (!items || !nodes.length) return null;
    const offset = offsetAt(x, y);
    if (offset < 0) return null;
    // A caret position lies between characters (the right half of a highlight's last
    // letter gives its end) and snaps to the nearest text (beyond a line's end, in a
    // margin): the highlight's own boxes decide whether the pointer is on it.
    let found = null;
    for (const [start, end] of items) {
      if (offset < start || offset > end) continue;
      const range = rangeFor(start, end);
      const box = range && boxAt(range, x, y);
      if (box) {
        found = {
          position: Math.max(start, Math.min(offset, end - 1)), start: start, end: end,
          rect: { x: box.left, y: box.top, w: box.width, h: box.height },
        };
      }
    }
    return found;
  }

  function checkHover() {
    hoverTimer = 0;
    const mark = hoverPoint && !mouseDown ? markAt(hoverPoint[0], hoverPoint[1]) : null;
    const key = mark ? mark.start + ":" + mark.end : "";
    if (key === hoveredMark) return;
    hoveredMark = key;
    post("mark-hover", mark || { position: -1 });
  }

  function scheduleHoverCheck() {
    if (!hoverTimer) hoverTimer = setTimeout(checkHover, HOVER_INTERVAL_MS);
  }

  function onMouseMove(event) {
    hoverPoint = [event.clientX, event.clientY];
    scheduleHoverCheck();
  }

  // --- links ---------------------------------------------------------------------------

  function linkInfo(a, event) {
    const href = a.getAttribute("href") || "";
    const same = Array.from(document.querySelectorAll("a[href]"))
      .filter((x) => x.getAttribute("href") === href);
    const rects = a.getClientRects();
    let rect = a.getBoundingClientRect();
    if (event && rects.length > 1) {
      for (const r of rects) {
        if (event.clientY >= r.top && event.clientY <= r.bottom) { rect = r; break; }
      }
    }
    return {
      href: href, occurrence: Math.max(0, same.indexOf(a)),
      rect: { x: rect.left, y: rect.top, w: rect.width, h: rect.height },
      modifier: !!(event && (event.altKey || event.ctrlKey)),
      offset: index.size ? offsetOf(a, 0) : -1,
    };
  }

  let hovered = null;

  function onMouseOver(event) {
    const a = event.target.closest ? event.target.closest("a[href]") : null;
    if (a === hovered) return;
    hovered = a;
    post("hover", a ? linkInfo(a, event) : { href: "" });
  }

  // A stored image (figure, formula): the window shows it large (issue 11).
  const LIBRARY_IMAGE = "margin://app/image/";

  function libraryImage(el) {
    const img = el && el.closest ? el.closest("img") : null;
    return img && img.src.indexOf(LIBRARY_IMAGE) === 0 ? img : null;
  }

  function figureInfo(img) {
    const figure = img.closest("figure");
    const caption = figure ? figure.querySelector("figcaption") : null;
    return {
      name: img.src.slice(LIBRARY_IMAGE.length), alt: img.alt,
      caption: caption ? caption.textContent.trim() : "",
    };
  }

  function onClick(event) {
    const a = event.target.closest ? event.target.closest("a[href]") : null;
    const img = a ? null : libraryImage(event.target);
    if (img) {
      post("figure", figureInfo(img));
      return;
    }
    if (!a) return;
    event.preventDefault();  // links never navigate the view; Python decides
    post("link", linkInfo(a, event));
  }

  function onKeyDown(event) {
    const a = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("a[href]") : null;
    const img = libraryImage(document.activeElement);
    if (event.key === "Enter" && a) {
      event.preventDefault();
      post(event.shiftKey ? "link" : "link-key", linkInfo(a, null));
    } else if (event.key === "Enter" && img) {
      event.preventDefault();
      post("figure", figureInfo(img));
    } else if (event.key === "Escape") {
      post("key", { key: "Escape" });
    } else if (event.key === "ArrowLeft" && event.altKey) {
      event.preventDefault();
      post("key", { key: "Back" });
    } else if (event.key === "ArrowRight" && event.altKey) {
      event.preventDefault();
      post("key", { key: "Forward" });
    }
  }

  // --- scrolling -----------------------------------------------------------------------

  function maxScroll() {
    return Math.max(0, document.documentElement.scrollHeight - window.innerHeight);
  }

  function fraction() {
    const max = maxScroll();
    return max > 0 ? window.scrollY / max : 0;
  }

  function onScroll() {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      post("scroll", { fraction: fraction(), y: window.scrollY });
    });
  }

  // --- tables: own scroll box, numbers aligned -----------------------------------------

  // "12", "0.5 (0.2–0.9)", "<0.001", "−3.4%", "12/40": figures, not words.
  const NUMERIC = /^[<>≤≥~±+\-−–(]*\d[\d\s.,·%±+\-−–()\/:×*†‡]*$/u;

  function dressTables() {
    for (const table of document.querySelectorAll("#margin-body table")) {
      if (!table.parentElement.classList.contains("table-box")) {
        const box = document.createElement("div");
        box.className = "table-box";
        box.tabIndex = 0;
        table.parentElement.insertBefore(box, table);
        box.appendChild(table);
      }
      for (const cell of table.querySelectorAll("td")) {
        if (NUMERIC.test(cell.textContent.trim())) cell.classList.add("num");
      }
    }
  }

  // --- what Python calls ---------------------------------------------------------------

  const Margin = {
    setLayer(name, items) {
      if (items.length) layers.set(name, items); else layers.delete(name);
      paintLayers();
      // Report again (a changed note, a removed highlight) even if the range is the same.
      if (name === HOVER_LAYER) { hoveredMark = null; if (hoverPoint) scheduleHoverCheck(); }
    },
    setVars(vars) {
      for (const [key, value] of Object.entries(vars)) {
        document.documentElement.style.setProperty(key, value);
      }
      onScroll();
    },
    scrollToOffset(offset, top) {
      const range = rangeFor(offset, Math.min(offset + 1, flat.length));
      if (!range) return false;
      const rect = range.getBoundingClientRect();
      const gap = top ? 12 : window.innerHeight / 4;
      window.scrollTo(0, window.scrollY + rect.top - gap);
      return true;
    },
    scrollToAnchor(id) {
      const target = document.getElementById(id) || document.getElementsByName(id)[0];
      if (!target) return false;
      target.scrollIntoView({ block: "start" });
      window.scrollBy(0, -12);
      return true;
    },
    setFraction(value) {
      window.scrollTo(0, Math.round(value * maxScroll()));
      return fraction();
    },
    scrollTo(y) { window.scrollTo(0, y); return window.scrollY; },
    scrollBy(dy) { window.scrollBy(0, dy); return window.scrollY; },
    select(start, end) { select(start, end); reportSelection(false); },
    offsetAt(x, y) { return offsetAt(x, y); },
    rectOf(start, end) {
      const range = rangeFor(start, end);
      return range ? rectOf(range) : null;
    },
    linkRect(href, occurrence) {
      const same = Array.from(document.querySelectorAll("a[href]"))
        .filter((x) => x.getAttribute("href") === href);
      const a = same[occurrence];
      return a ? linkInfo(a, null) : null;
    },
    focusLink(href, occurrence) {
      const same = Array.from(document.querySelectorAll("a[href]"))
        .filter((x) => x.getAttribute("href") === href);
      if (same[occurrence]) same[occurrence].focus();
      return !!same[occurrence];
    },
    reportPaint() {
      requestAnimationFrame(() => requestAnimationFrame(() => post("painted", {})));
      return true;
    },
    state() {
      return { fraction: fraction(), y: window.scrollY, height: window.innerHeight,
               scrollHeight: document.documentElement.scrollHeight };
    },
  };
  window.Margin = Margin;

  function headings() {
    const out = [];
    for (const h of document.querySelectorAll("#margin-body h1, #margin-body h2, "
      + "#margin-body h3, #margin-body h4, #margin-body h5, #margin-body h6")) {
      let text = h.textContent.replace(/\s+/g, " ").trim();
      // A formula kept as a picture has no text: drop the brackets it leaves empty
      // ("Aerobic Capacity ()"), only in headings that hold a picture.
      if (h.querySelector("img")) text = text.replace(/\s*[(\[]\s*[)\]]/g, "").trim();
      if (text) out.push({ level: Number(h.tagName[1]), text: text, position: offsetOf(h, 0) });
    }
    return out;
  }

  function links() {
    return Array.from(document.querySelectorAll("a[href]"))
      .map((a) => [a.getAttribute("href"), offsetOf(a, 0)]);
  }

  function start() {
    dressTables();
    // Figures can be reached with Tab and opened with Enter; the alt text names them.
    document.querySelectorAll("figure img").forEach((img) => {
      if (libraryImage(img)) img.tabIndex = 0;
    });
    const bodyStart = collect();
    const title = document.querySelector("#margin-header .title");
    const titleRange = title
      ? [offsetOf(title, 0), offsetOf(title, title.childNodes.length)] : [0, 0];
    document.addEventListener("mouseover", onMouseOver);
    document.addEventListener("click", onClick);
    document.addEventListener("auxclick", (e) => { if (e.target.closest("a")) e.preventDefault(); });
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("mousedown", (e) => {
      mouseDown = true;
      post("mouse", { button: e.button });
    });
    document.addEventListener("mouseup", (e) => {
      mouseDown = false;
      if (e.button === 3 || e.button === 4) {
        e.preventDefault();
        post("key", { key: e.button === 3 ? "Back" : "Forward" });
        return;
      }
      if (e.detail < 2) snapSelectionToWords();
      reportSelection(true);
    });
    document.addEventListener("selectionchange", () => {
      if (mouseDown) return;
      clearTimeout(selectionTimer);
      selectionTimer = setTimeout(() => reportSelection(false), 30);
    });
    document.addEventListener("mousemove", onMouseMove, { passive: true });
    document.addEventListener("mouseleave", () => {
      hovered = null;
      post("hover", { href: "" });
      hoverPoint = null;
      checkHover();
    });
    window.addEventListener("scroll", onScroll, { passive: true });
    // The text moves under a still pointer: what it is over may change.
    window.addEventListener("scroll", () => { if (hoverPoint) scheduleHoverCheck(); },
      { passive: true });
    window.addEventListener("resize", onScroll);
    post("ready", {
      text: flat, bodyStart: bodyStart, titleRange: titleRange, headings: headings(),
      links: links(), page: location.pathname,
      state: Margin.state(),
    });
    requestAnimationFrame(() => requestAnimationFrame(() => post("painted", {})));
  }

  function connect() {
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") {
      // No bridge (opened outside Margin): the page still reads fine.
      collect();
      return;
    }
    new QWebChannel(qt.webChannelTransport, (channel) => {
      bridge = channel.objects.bridge;
      start();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
