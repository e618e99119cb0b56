const { renderComponent, tap } = require('../support/render');

describe('star-rating', () => {
  const lit = (stars) => stars.querySelectorAll('.star').filter((s) => s.dom.className.includes('star-on')).length;

  it('lights as many stars as its value', () => {
    expect(lit(renderComponent('star-rating', { value: 3, readonly: true }))).toBe(3);
  });

  it('takes a tap as the new rating and says so', async () => {
    const stars = renderComponent('star-rating', { value: 0 });
    const changes = [];
    stars.addEventListener('change', (e) => changes.push(e.detail.value));
    await tap(stars, stars.querySelectorAll('.star')[3]);
    expect(changes).toEqual([4]);
    expect(lit(stars)).toBe(4);
  });

  it('ignores taps when read-only', async () => {
    const stars = renderComponent('star-rating', { value: 2, readonly: true });
    await tap(stars, stars.querySelectorAll('.star')[4]);
    expect(lit(stars)).toBe(2);
  });
});
