/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from round-trip samples (α = 1/8,
 * β = 1/4, K = 4), RTO = SRTT + 4·RTTVAR clamped to [min, max], doubled on each expiry (backoff)
 * and recomputed from the estimate when new data is acknowledged. Samples come only from segments
 * that were never retransmitted (Karn's algorithm; the connection enforces that). All in integer ns.
 */
export interface RtoLimits {
  readonly initialRtoNs: number;
  readonly minRtoNs: number;
  readonly maxRtoNs: number;
}

export class RtoEstimator {
  /** Smoothed round-trip time in ns; 0 before the first sample. */
  srtt = 0;
  /** Round-trip time variation in ns. */
  rttvar = 0;
  private samples = 0;
  private rtoNs: number;

  constructor(private readonly limits: RtoLimits) {
    this.rtoNs = limits.initialRtoNs;
  }

  /** The current timeout, backoff included. */
  get rto(): number {
    return this.rtoNs;
  }

  get hasSample(): boolean {
    return this.samples > 0;
  }

  /** Takes one round-trip measurement `r` (ns) and recomputes RTO (RFC 6298 §2.2–2.3). */
  sample(r: number): void {
    r = Math.max(0, r);
    if (this.samples === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
    this.rtoNs = this.computed();
  }

  /** Doubles the timeout after an expiry (RFC 6298 §5.5), up to the maximum. */
  backoff(): void {
    this.rtoNs = Math.min(this.limits.maxRtoNs, this.rtoNs * 2);
  }

  /** Drops the backoff: RTO from the estimate again (or the initial value without samples). */
  resetBackoff(): void {
    this.rtoNs = this.samples > 0 ? this.computed() : this.limits.initialRtoNs;
  }

  private computed(): number {
    const raw = Math.round(this.srtt + 4 * this.rttvar);
    return Math.min(this.limits.maxRtoNs, Math.max(this.limits.minRtoNs, raw));
  }
}
