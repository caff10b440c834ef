package io.featurex.worker.fetch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * The HTTP client's sockets in a test: every connection it attempts is recorded, and one to any
 * address off this machine fails before a packet is sent, so a test of the SSRF guard cannot
 * send traffic anywhere even when the guard is broken. A public address can be given a stand-in
 * on loopback, so that a server of the test's plays a host the guard accepts.
 */
final class RecordingSockets implements DetachedSocketFactory {

    final List<InetSocketAddress> attempts = new CopyOnWriteArrayList<>();
    private final Map<InetAddress, InetSocketAddress> standIns = new ConcurrentHashMap<>();

    /** Connections to {@code address} reach {@code loopbackServer} instead. */
    RecordingSockets standIn(InetAddress address, InetSocketAddress loopbackServer) {
        if (!loopbackServer.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a stand-in must be on this machine: " + loopbackServer);
        }
        standIns.put(address, loopbackServer);
        return this;
    }

    @Override
    public Socket create(Proxy proxy) {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                InetSocketAddress target = (InetSocketAddress) endpoint;
                attempts.add(target);
                InetSocketAddress standIn = target.getAddress() == null ? null : standIns.get(target.getAddress());
                if (standIn != null) {
                    super.connect(standIn, timeout);
                    return;
                }
                if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
                    throw new ConnectException("test sockets stay on this machine: not connecting to " + target);
                }
                super.connect(endpoint, timeout);
            }
        };
    }
}
