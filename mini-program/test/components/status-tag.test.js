const { renderComponent } = require('../support/render');

describe('status-tag', () => {
  it.each([
    ['pile', 'idle', '空闲', 'tone-success'],
    ['pile', 'fault', '故障', 'tone-danger'],
    ['session', 'CHARGING', '充电中', 'tone-primary'],
    ['feedback', 'replied', '已回复', 'tone-success'],
  ])('shows a %s status %s as %s in its colour', (kind, status, text, tone) => {
    const tag = renderComponent('status-tag', { kind, status });
    expect(tag.dom.textContent.trim()).toBe(text);
    expect(tag.querySelector('.status-tag').dom.className).toContain(tone);
  });
});
