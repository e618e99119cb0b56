const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.resolve(__dirname, '../..');

// Jest keeps modules cached, so a component's js runs (and registers) only once per test file: load each once.
const loaded = new Map();
function load(file) {
  if (!loaded.has(file)) loaded.set(file, simulate.load(file, { rootPath: ROOT }));
  return loaded.get(file);
}

/** Renders a component of components/ with these properties, attached. */
function renderComponent(name, properties) {
  const component = simulate.render(load(path.join(ROOT, 'components', name, 'index')), properties);
  component.attach(document.createElement('parent-wrapper'));
  return component;
}

/**
 * Loads a page (written with Component(), as WeChat allows) and renders it attached, so its `attached`
 * lifecycle runs; `page.instance.onLoad(query)` is then called by the test like WeChat would.
 */
function renderPage(pagePath) {
  const page = simulate.render(load(path.join(ROOT, pagePath, 'index')));
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

/** Lets pending promises (fake wx calls answer on the microtask queue) settle; works under fake timers too. */
const settle = async (rounds = 50) => {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
};

/** Taps what `selector` finds (or the element given); j-component dispatches events on a timer, so this waits a tick. */
async function tap(component, target) {
  const element = typeof target === 'string' ? component.querySelector(target) : target;
  if (!element) throw new Error(`nothing to tap at ${target}`);
  element.dispatchEvent('tap');
  await simulate.sleep(0);
  await settle();
}

/** Types into an input: j-component sends the `input` event with `detail.value`. */
async function type(component, selector, value) {
  const element = component.querySelector(selector);
  element.dom.value = value;
  element.dispatchEvent('input', { detail: { value } });
  await simulate.sleep(0);
}

module.exports = { renderComponent, renderPage, settle, tap, type };
