package io.loomtunnel.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A listening socket on 127.0.0.1 whose one accepted connection is handed to a server task. */
final class Loopback implements AutoCloseable {

    interface ServerTask<T> {
        T run(Socket accepted) throws Exception;
    }

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    Loopback() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** Accepts one connection on a virtual thread and runs {@code task} on it. */
    <T> Future<T> serve(ServerTask<T> task) {
        return threads.submit(() -> task.run(listener.accept()));
    }

    <T> Future<T> background(Callable<T> task) {
        return threads.submit(task);
    }

    Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
        return s;
    }

    @Override
    public void close() throws IOException {
        threads.shutdownNow();
        listener.close();
    }
}
