package io.loomtunnel.internal.metrics;

import io.loomtunnel.observe.Status;

/**
 * The counts of one tunnel, or of every tunnel of one name, or of all tunnels: bytes and UDP
 * datagrams each way, and streams. "In" is what comes from the public toward the service, "out"
 * what the service sends back, on the server and the client alike, so both ends of a tunnel
 * report the same numbers for the same traffic. A child's counts also count in its parent.
 */
public final class TunnelCounters {
    private final Tally bytesIn;
    private final Tally bytesOut;
    private final Tally datagramsIn;
    private final Tally datagramsOut;
    private final Tally datagramsDropped;
    private final Tally streamsOpened;
    private final Tally streamsClosed;
    private final Tally streamsReset;
    private final RateWindow rate = new RateWindow();

    public TunnelCounters() {
        this(new Tally(), new Tally(), new Tally(), new Tally(), new Tally(), new Tally(), new Tally(), new Tally());
    }

    private TunnelCounters(Tally bytesIn, Tally bytesOut, Tally datagramsIn, Tally datagramsOut, Tally datagramsDropped,
                           Tally streamsOpened, Tally streamsClosed, Tally streamsReset) {
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.datagramsIn = datagramsIn;
        this.datagramsOut = datagramsOut;
        this.datagramsDropped = datagramsDropped;
        this.streamsOpened = streamsOpened;
        this.streamsClosed = streamsClosed;
        this.streamsReset = streamsReset;
    }

    /** Counters whose additions also count here. */
    public TunnelCounters child() {
        return new TunnelCounters(bytesIn.child(), bytesOut.child(), datagramsIn.child(), datagramsOut.child(),
                datagramsDropped.child(), streamsOpened.child(), streamsClosed.child(), streamsReset.child());
    }

    /** Bytes from the public toward the service. */
    public Tally bytesIn() {
        return bytesIn;
    }

    /** Bytes from the service back to the public. */
    public Tally bytesOut() {
        return bytesOut;
    }

    public Tally datagramsIn() {
        return datagramsIn;
    }

    public Tally datagramsOut() {
        return datagramsOut;
    }

    /** Datagrams lost on this side: too many senders, expired associations, full queues, unreachable service. */
    public Tally datagramsDropped() {
        return datagramsDropped;
    }

    public Tally streamsOpened() {
        return streamsOpened;
    }

    public Tally streamsClosed() {
        return streamsClosed;
    }

    /** Streams that ended in an abort (RST) rather than a clean close. */
    public Tally streamsReset() {
        return streamsReset;
    }

    /** Streams open now. */
    public long streamsActive() {
        return Math.max(0, streamsOpened.get() - streamsClosed.get());
    }

    /** Throughput over the last seconds, while the sampler samples these counters. */
    public RateWindow rate() {
        return rate;
    }

    /** These counts as one tunnel's line of /api/status; {@code local} is null on the server. */
    public Status.Tunnel tunnelStatus(String name, String type, String address, String local) {
        RateWindow.Rate r = rate.rate();
        boolean udp = type.equals("udp");
        return new Status.Tunnel(name, type, address, local, streamsActive(), bytesIn.get(), bytesOut.get(),
                r.inPerSecond(), r.outPerSecond(), udp ? datagramsIn.get() : null, udp ? datagramsOut.get() : null,
                udp ? datagramsDropped.get() : null);
    }

    /** These counts, of all tunnels, as the totals of /api/status. */
    public Status.Totals totals(int sessions, int tunnels) {
        return new Status.Totals(sessions, tunnels, streamsActive(), bytesIn.get(), bytesOut.get(), datagramsIn.get(),
                datagramsOut.get(), datagramsDropped.get());
    }

    /** The throughput of the last seconds, as /api/status shows it. */
    public Status.Throughput throughput() {
        RateWindow.Rate r = rate.rate();
        return new Status.Throughput(r.perSecond().size(), r.inPerSecond(), r.outPerSecond(), r.perSecond());
    }

    /** One second's sample for the rate window; called by the sampler. */
    void sample() {
        rate.sample(bytesIn.get(), bytesOut.get());
    }
}
