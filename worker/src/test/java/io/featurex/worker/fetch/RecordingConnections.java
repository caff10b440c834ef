package io.featurex.worker.fetch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The HTTP client's connections in a test, held where they take their addresses: every address
 * handed to a connection (after the SSRF guard has vetted it) is recorded, and one off this
 * machine is withheld, so a test of the guard cannot send traffic anywhere even when the guard
 * is broken. A public address can be given a stand-in on loopback, so that a server of the
 * test's plays a host the guard accepts.
 */
final class RecordingConnections implements UnaryOperator<DnsResolver> {

    final List<InetSocketAddress> attempts = new CopyOnWriteArrayList<>();
    private final Map<InetAddress, InetAddress> standIns = new ConcurrentHashMap<>();

    /** Connections to {@code address} reach the loopback server at {@code loopbackServer}'s address instead. */
    RecordingConnections standIn(InetAddress address, InetSocketAddress loopbackServer) {
        if (!loopbackServer.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a stand-in must be on this machine: " + loopbackServer);
        }
        standIns.put(address, loopbackServer.getAddress());
        return this;
    }

    @Override
    public DnsResolver apply(DnsResolver vetting) {
        return new DnsResolver() {
            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                List<InetSocketAddress> connectTo = new ArrayList<>();
                for (InetSocketAddress target : vetting.resolve(host, port)) {
                    attempts.add(target);
                    InetAddress standIn = target.getAddress() == null ? null : standIns.get(target.getAddress());
                    if (standIn != null) {
                        connectTo.add(new InetSocketAddress(standIn, target.getPort()));
                    } else if (target.getAddress() != null
                            && target.getAddress().isLoopbackAddress()) {
                        connectTo.add(target);
                    }
                }
                if (connectTo.isEmpty()) {
                    throw new UnknownHostException("test connections stay on this machine: not connecting to " + host);
                }
                return connectTo;
            }

            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return resolve(host, 0).stream()
                        .map(InetSocketAddress::getAddress)
                        .toArray(InetAddress[]::new);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return vetting.resolveCanonicalHostname(host);
            }
        };
    }
}
