/** Logos for the BIMI tests. */

/** A minimal valid SVG Tiny PS logo. */
export const VALID_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 100 100">
  <title>Example Brand</title>
  <rect width="100" height="100" fill="#0a5"/>
  <circle cx="50" cy="50" r="30" fill="#fff"/>
</svg>
`;

/** SVG 1.1 with a script, an event handler, an external image, x/y on the root, no title, not square. */
export const BAD_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported from an editor -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" x="0" y="0" viewBox="0 0 200 100" onload="init()">
  <script type="text/javascript"><![CDATA[ function init() { document.title = 'x'; } ]]></script>
  <image xlink:href="https://tracker.example/pixel.png" width="10" height="10"/>
  <rect width="200" height="100" fill="#c00"/>
</svg>
`;

/** A valid-looking logo padded to exactly `bytes` bytes. */
export function bigSvg(bytes: number): string {
  const head = '<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 100 100"><title>Big</title><desc>';
  const tail = '</desc></svg>';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}
