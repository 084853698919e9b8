"""Images that come with articles: their kinds, where they are found, how they are kept.

``kinds``      what a file is by its bytes; JPEG/PNG/GIF/WebP kept, TIFF → PNG, SVG refused
``resources``  the files beside an article: a folder, archive members, MHTML parts
``references`` ``srcset`` candidates ranked, ``data:`` URIs decoded, sizes from headers
``choose``     which picture a lazy-loaded, ``<noscript>`` or ``<picture>`` image really shows
``collect``    an import's ``<img>`` references → stored images, web ones left for later
``fetch``      web images, only when the user asks for them
"""
