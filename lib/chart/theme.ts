/** The charts' colours and the small label formats shared by the price chart and its panes. */
import { formatPrice } from '../core/format.js';

export const CHART_THEME = Object.freeze({
  background: '#131722',
  text: '#d1d4dc',
  muted: '#787b86',
  grid: '#2a2e39',
  up: '#26a69a',
  down: '#ef5350',
  lines: ['#ff9800', '#ab47bc', '#29b6f6', '#ffeb3b', '#ec407a', '#8d6e63'],
  levels: { entry: '#2962ff', stop: '#f23645', target: '#00c853', exit: '#9598a1' },
});

/** Plain-decimal label of an indicator value (4 significant digits; never `e` notation). */
export function formatIndicator(v: number): string {
  return formatPrice(v, 4);
}

export const SIGNAL_COLOR = '#ffd54f';
