package io.loomtunnel.internal.cli;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java service speaking h2c on loopback, and a grpc-java client of it, without protoc:
 * messages are raw bytes (a byte[] marshaller). Methods of {@code loomtunnel.Echo}: Unary (the
 * request back), ServerStreaming (n messages "0".."n-1", with a pause between them if asked), ClientStreaming (the messages joined by
 * '|'), Bidi (each message back as it comes), Hang (never answers; counts its Context's
 * cancellation), Fail (NOT_FOUND with {@link #FAILURE_MESSAGE}).
 */
final class GrpcEcho implements AutoCloseable {
    static final String FAILURE_MESSAGE = "no such thing: Grüße, 100% [x]";
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final long DEADLINE_SECONDS = 30;
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> SERVER_STREAMING = method("ServerStreaming", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> CLIENT_STREAMING = method("ClientStreaming", MethodDescriptor.MethodType.CLIENT_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);

    private final Server server;
    private volatile CountDownLatch hangStarted = new CountDownLatch(1);
    private volatile CountDownLatch hangCancelled = new CountDownLatch(1);

    private GrpcEcho() throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("loomtunnel.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, out) -> {
                    out.onNext(request);
                    out.onCompleted();
                }))
                .addMethod(SERVER_STREAMING, ServerCalls.asyncServerStreamingCall((request, out) -> {
                    String[] ask = text(request).split("/"); // "n" or "n/pause in ms"
                    int n = Integer.parseInt(ask[0]);
                    for (int i = 0; i < n; i++) {
                        if (i > 0 && ask.length > 1) {
                            pause(Long.parseLong(ask[1]));
                        }
                        out.onNext(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                    }
                    out.onCompleted();
                }))
                .addMethod(CLIENT_STREAMING, ServerCalls.asyncClientStreamingCall(out -> new Collector(out)))
                .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<byte[]>() {
                    @Override
                    public void onNext(byte[] message) {
                        out.onNext(message);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((request, out) -> {
                    CountDownLatch cancelled = hangCancelled;
                    Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
                    hangStarted.countDown();
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) ->
                        out.onError(Status.NOT_FOUND.withDescription(FAILURE_MESSAGE).asRuntimeException())))
                .build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(echo).maxInboundMessageSize(MAX_MESSAGE).build().start();
    }

    static GrpcEcho start() throws IOException {
        return new GrpcEcho();
    }

    int port() {
        return server.getPort();
    }

    /** A client over plaintext h2c to {@code port}, routed by {@code authority}. */
    Client client(int port, String authority) {
        return new Client(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority(authority)
                .maxInboundMessageSize(MAX_MESSAGE).build());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName("loomtunnel.Echo/" + name)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** ClientStreaming's server side: the messages joined by '|' once the client half-closes. */
    private static final class Collector implements StreamObserver<byte[]> {
        private final StreamObserver<byte[]> out;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();

        Collector(StreamObserver<byte[]> out) {
            this.out = out;
        }

        @Override
        public void onNext(byte[] message) {
            if (all.size() > 0) {
                all.write('|');
            }
            all.writeBytes(message);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
            out.onNext(all.toByteArray());
            out.onCompleted();
        }
    }

    /** Calls of each kind on one channel; every call has a 30 s deadline. */
    static final class Client implements AutoCloseable {
        private final ManagedChannel channel;

        private Client(ManagedChannel channel) {
            this.channel = channel;
        }

        private CallOptions options() {
            return CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        String unary(String message) {
            return text(unaryBytes(utf8(message)));
        }

        byte[] unaryBytes(byte[] message) {
            return ClientCalls.blockingUnaryCall(channel, UNARY, options(), message);
        }

        List<String> serverStreaming(int n) {
            return serverStreaming(Integer.toString(n));
        }

        /** n messages with {@code pause} between each two. */
        List<String> serverStreaming(int n, Duration pause) {
            return serverStreaming(n + "/" + pause.toMillis());
        }

        private List<String> serverStreaming(String ask) {
            List<String> got = new ArrayList<>();
            Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, SERVER_STREAMING, options(), utf8(ask));
            it.forEachRemaining(b -> got.add(text(b)));
            return got;
        }

        String clientStreaming(List<String> messages) throws Exception {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(channel.newCall(CLIENT_STREAMING, options()),
                    new Answer(answer));
            messages.forEach(m -> requests.onNext(utf8(m)));
            requests.onCompleted();
            return text(answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        }

        /** Sends each message only after the answer to the one before came: full duplex through the tunnel. */
        List<String> bidiPingPong(List<String> messages) throws Exception {
            BlockingQueue<byte[]> answers = new LinkedBlockingQueue<>();
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(BIDI, options()), new Answer(done) {
                @Override
                public void onNext(byte[] message) {
                    answers.add(message);
                }
            });
            List<String> got = new ArrayList<>();
            for (String m : messages) {
                requests.onNext(utf8(m));
                byte[] answer = answers.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
                if (answer == null) {
                    throw new AssertionError("no answer to '" + m + "' while the stream stayed open", done.isCompletedExceptionally() ? done.exceptionNow() : null);
                }
                got.add(text(answer));
            }
            requests.onCompleted();
            done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            return got;
        }

        /** Starts Hang, waits for the service to have it, cancels it: whether the service's Context was cancelled. */
        boolean cancelWhileServiceWaits(GrpcEcho service) throws Exception {
            service.hangStarted = new CountDownLatch(1);
            CountDownLatch cancelled = new CountDownLatch(1);
            service.hangCancelled = cancelled;
            ClientCall<byte[], byte[]> call = channel.newCall(HANG, options());
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(call, utf8("wait"), new Answer(answer));
            if (!service.hangStarted.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the call never reached the service");
            }
            call.cancel("the test cancels", null);
            return cancelled.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        StatusRuntimeException failing() {
            try {
                ClientCalls.blockingUnaryCall(channel, FAIL, options(), utf8("x"));
            } catch (StatusRuntimeException e) {
                return e;
            }
            throw new AssertionError("Fail succeeded");
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** One answer into a future (the bidi call overrides {@link #onNext} to queue every answer). */
    private static class Answer implements StreamObserver<byte[]> {
        private final CompletableFuture<byte[]> future;

        Answer(CompletableFuture<byte[]> future) {
            this.future = future;
        }

        @Override
        public void onNext(byte[] message) {
            future.complete(message);
        }

        @Override
        public void onError(Throwable t) {
            future.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            future.complete(new byte[0]);
        }
    }
}
