// A small time-series line chart on <canvas>: fixed time window, nice y ticks, colours from the CSS variables.

const WINDOW_MILLIS = 15 * 60 * 1000;

function niceStep(max, ticks) {
  const raw = max / ticks;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
  return nice * power;
}

export class TimeChart {
  /**
   * @param canvas the <canvas>
   * @param series [{key, color: '--in', label}]: the point field each line draws and its CSS colour variable
   * @param format a y value as text (axis labels)
   * @param minTop the least top of the y axis (so an idle chart has readable ticks)
   */
  constructor(canvas, series, format, minTop) {
    this.canvas = canvas;
    this.series = series;
    this.format = format;
    this.minTop = minTop || 1;
    this.points = [];
    this.hover = null;
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      this.hover = e.clientX - r.left;
      this.draw();
    });
    canvas.addEventListener('mouseleave', () => {
      this.hover = null;
      this.draw();
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** points: [{t: epochMillis, ...fields}] oldest first. */
  set(points) {
    this.points = points;
    this.draw();
  }

  draw() {
    const canvas = this.canvas;
    const css = getComputedStyle(document.documentElement);
    const color = (v) => css.getPropertyValue(v).trim() || '#888';
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 600;
    const height = canvas.clientHeight || 200;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 64, right = 10, top = 8, bottom = 22;
    const w = width - left - right, h = height - top - bottom;
    const end = this.points.length ? Math.max(Date.now(), this.points[this.points.length - 1].t) : Date.now();
    const start = end - WINDOW_MILLIS;
    let max = 0;
    for (const p of this.points) {
      for (const s of this.series) {
        const v = p[s.key];
        if (typeof v === 'number' && v > max) max = v;
      }
    }
    const want = Math.max(max * 1.05, this.minTop);
    const step = niceStep(want, 4);
    const top_ = Math.max(step, Math.ceil(want / step) * step);
    const x = (t) => left + ((t - start) / WINDOW_MILLIS) * w;
    const y = (v) => top + h - (v / top_) * h;

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = color('--dim');
    g.strokeStyle = color('--line');
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let v = 0; v <= top_ + step / 2; v += step) {
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath();
      g.moveTo(left, yy);
      g.lineTo(left + w, yy);
      g.stroke();
      g.fillText(this.format(v), left - 6, yy);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let m = 15; m >= 0; m -= 5) {
      const xx = x(end - m * 60000);
      g.fillText(m === 0 ? 'now' : `-${m} min`, Math.min(Math.max(xx, left + 16), left + w - 14), top + h + 6);
    }

    for (const s of this.series) {
      g.strokeStyle = color(s.color);
      g.lineWidth = 1.8;
      g.beginPath();
      let drawing = false;
      for (const p of this.points) {
        const v = p[s.key];
        if (typeof v !== 'number' || p.t < start) {
          drawing = false;
          continue;
        }
        if (drawing) g.lineTo(x(p.t), y(v));
        else g.moveTo(x(p.t), y(v));
        drawing = true;
      }
      g.stroke();
    }

    if (this.hover !== null && this.points.length) {
      const t = start + ((this.hover - left) / w) * WINDOW_MILLIS;
      let best = null;
      for (const p of this.points) if (best === null || Math.abs(p.t - t) < Math.abs(best.t - t)) best = p;
      if (best && best.t >= start) {
        const xx = x(best.t);
        g.strokeStyle = color('--dim');
        g.setLineDash([3, 3]);
        g.beginPath();
        g.moveTo(xx, top);
        g.lineTo(xx, top + h);
        g.stroke();
        g.setLineDash([]);
        const text = [new Date(best.t).toLocaleTimeString([], { hour12: false }),
          ...this.series.map((s) => `${s.label} ${typeof best[s.key] === 'number' ? this.format(best[s.key]) : '–'}`)].join('   ');
        g.textAlign = xx > left + w / 2 ? 'right' : 'left';
        g.textBaseline = 'top';
        g.fillStyle = color('--fg');
        g.fillText(text, xx + (xx > left + w / 2 ? -6 : 6), top + 2);
      }
    }
  }
}
