import { html } from './html';

describe('html', () => {
  it('escapes what a player typed and keeps fragments as they are', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const row = html`<td>${name}</td>`;
    const cells = [row, html`<td>${1}</td>`, null, false];
    expect(
      html`<tr>
        ${cells}
      </tr>`.text
        .replace(/>\s+</g, '><')
        .trim(),
    ).toBe('<tr><td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td><td>1</td></tr>');
  });
});
