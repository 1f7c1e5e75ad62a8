// DOM helpers: every value becomes a text node or a property, never markup (no innerHTML with data).

/**
 * el('td', {class: 'num', title: 'x', onclick: fn, dataset: {id: 'r1'}}, 'text', node, [more]) makes an element.
 * Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = String(value);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const $ = (id) => document.getElementById(id);

/** A table with a header row and one row per item; cells are [text|node|{class,value}] from rowOf(item). */
export function table(headers, items, rowOf, options = {}) {
  const head = el('tr', null, headers.map((h) => {
    const [label, cls] = Array.isArray(h) ? h : [h, null];
    return el('th', { class: cls }, label);
  }));
  const body = el('tbody', null, items.map((item) => {
    const cells = rowOf(item);
    const row = el('tr', options.rowProps ? options.rowProps(item) : null, cells.map((c) =>
      c !== null && typeof c === 'object' && !(c instanceof Node) && !Array.isArray(c)
        ? el('td', { class: c.class, title: c.title }, c.value)
        : el('td', null, c)));
    return row;
  }));
  return el('table', { class: options.class }, el('thead', null, head), body);
}

export function empty(text) {
  return el('p', { class: 'empty' }, text);
}
