package io.loomtunnel.bench.e2e;

/**
 * Holds idle connections open for the memory scenario, a process of its own: {@code IdleConnections
 * PORT COUNT} opens them through an echo tunnel (one round trip each), prints {@code holding N of
 * COUNT (E errors)} and keeps them until it is killed.
 */
public final class IdleConnections {
    private IdleConnections() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        Fleet fleet = new Fleet(Integer.parseInt(args[0]));
        int open = fleet.open(count, 1_000);
        System.out.printf("holding %d of %d (%d errors)%n", open, count, fleet.errors());
        System.out.flush();
        Thread.currentThread().join(); // until killed; the fleet's sockets stay open
    }
}
