/** Orders and fills of the Binance simulator, as tests inspect them (`sim.orders()`, `sim.fills()`). */

export type SimSide = 'BUY' | 'SELL';
export type SimOrderType = 'LIMIT' | 'MARKET' | 'STOP_LOSS_LIMIT' | 'LIMIT_MAKER';
export type SimOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface SimOrder {
  /** Binance id, e.g. `BTCUSDT`. */
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  /** -1 unless a leg of an OCO. */
  readonly orderListId: number;
  readonly listClientOrderId?: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  /** Limit price (0 for MARKET). */
  readonly price: number;
  /** Trigger of a STOP_LOSS_LIMIT (0 otherwise). */
  readonly stopPrice: number;
  readonly origQty: number;
  readonly executedQty: number;
  readonly cummulativeQuoteQty: number;
  readonly status: SimOrderStatus;
  readonly time: number;
  readonly updateTime: number;
  /** A STOP_LOSS_LIMIT whose stop price was reached. */
  readonly triggered: boolean;
}

export interface SimFill {
  readonly tradeId: number;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly orderListId: number;
  readonly symbol: string;
  readonly side: SimSide;
  readonly price: number;
  readonly qty: number;
  readonly quoteQty: number;
  readonly commission: number;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isMaker: boolean;
}

export interface NewOrder {
  readonly symbol: string;
  readonly side: SimSide;
  readonly type: 'LIMIT' | 'MARKET';
  readonly quantity: number;
  readonly price?: number;
  readonly clientOrderId: string;
}

/** A sell OCO: LIMIT_MAKER above the price, STOP_LOSS_LIMIT below. */
export interface NewOco {
  readonly symbol: string;
  readonly quantity: number;
  readonly listClientOrderId: string;
  readonly aboveClientOrderId: string;
  readonly abovePrice: number;
  readonly belowClientOrderId: string;
  readonly belowStopPrice: number;
  readonly belowPrice: number;
}
