const { renderComponent, tap } = require('../support/render');
const { presentStation } = require('../../presenters/station');
const { aStation, aPile } = require('../support/api-bodies');

describe('station-card', () => {
  it('shows name, distance, idle over total by type and the price now', () => {
    const card = renderComponent('station-card', { station: presentStation(aStation()) });
    const text = card.dom.textContent.replace(/\s+/g, ' ');
    expect(text).toContain('Riverside Hub');
    expect(text).toContain('300m');
    expect(text).toContain('1/2');
    expect(text).toContain('快 1/1');
    expect(text).toContain('慢 0/1');
    expect(text).toContain('¥1.90');
  });

  it.each([
    ['available', [aPile({ status: 'idle' })]],
    ['busy', [aPile({ status: 'charging' }), aPile({ id: 'p2', status: 'fault' })]],
    ['unavailable', [aPile({ status: 'offline' })]],
  ])('colours the idle count %s', (availability, piles) => {
    const card = renderComponent('station-card', { station: presentStation(aStation({ piles })) });
    expect(card.querySelector('.count').dom.className).toContain(`count-${availability}`);
  });

  it('fires open when tapped and navigate (only) from the navigate button', async () => {
    const station = presentStation(aStation());
    const card = renderComponent('station-card', { station });
    const events = [];
    card.addEventListener('open', (e) => events.push(['open', e.detail.station.id]));
    card.addEventListener('navigate', (e) => events.push(['navigate', e.detail.station.id]));
    await tap(card, '.nav-button');
    await tap(card, '.station-card');
    expect(events).toEqual([
      ['navigate', 'st-1'],
      ['open', 'st-1'],
    ]);
  });
});
