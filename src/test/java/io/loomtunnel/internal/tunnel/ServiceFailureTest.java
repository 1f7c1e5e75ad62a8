package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.loomtunnel.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** The classes of a failed connect to a local service, as the JDK reports them, and their RST codes (docs/protocol/TUNNEL.md 8.2). */
class ServiceFailureTest {

    @Test
    void eachJdkFailureHasItsClass() {
        assertEquals(ServiceFailure.REFUSED, ServiceFailure.of(new ConnectException("Connection refused")));
        assertEquals(ServiceFailure.TIMED_OUT, ServiceFailure.of(new ConnectException("Connection timed out")));
        assertEquals(ServiceFailure.TIMED_OUT, ServiceFailure.of(new SocketTimeoutException("Connect timed out")));
        assertEquals(ServiceFailure.UNREACHABLE, ServiceFailure.of(new NoRouteToHostException("No route to host")));
        assertEquals(ServiceFailure.UNREACHABLE, ServiceFailure.of(new SocketException("Network is unreachable")));
        assertEquals(ServiceFailure.UNKNOWN_HOST, ServiceFailure.of(new UnknownHostException("nowhere.invalid")));
        assertNull(ServiceFailure.of(new IOException("something else")), "reset with CANCEL, as before");
        assertNull(ServiceFailure.of(new SocketException((String) null)));
    }

    @Test
    void aRealRefusalIsRefusedAndEachCodeNamesOneClass() throws IOException {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed), 5_000);
            throw new AssertionError("connected to a closed port");
        } catch (IOException e) {
            assertEquals(ServiceFailure.REFUSED, ServiceFailure.of(e), e.toString());
        }
        for (ServiceFailure f : ServiceFailure.values()) {
            assertEquals(f, ServiceFailure.of(f.code));
        }
        assertNull(ServiceFailure.of(ErrorCode.CANCEL));
    }
}
