package io.featurex.worker.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether any bootstrap server answers at all, asked before a Kafka client starts. A client never
 * gives up on an unreachable cluster: it logs a warning per reconnect and ends, a minute later, in
 * a timeout that names a topic, not the servers. This names each server and why it failed, in a
 * second or so.
 */
public final class BrokerCheck {

    /** How host names are resolved: the system's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Resolver resolver;
    private final Duration connectTimeout;

    public BrokerCheck(Resolver resolver, Duration connectTimeout) {
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
    }

    public static BrokerCheck system() {
        return new BrokerCheck(InetAddress::getAllByName, Duration.ofSeconds(5));
    }

    /**
     * Returns once one server accepts a TCP connection.
     *
     * @throws BrokerUnreachableException naming every server and what failed for it
     */
    public void check(String bootstrapServers) {
        List<String> failures = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            String entry = server.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String failure = probe(entry);
            if (failure == null) {
                return;
            }
            failures.add(entry + ": " + failure);
        }
        throw new BrokerUnreachableException("no Kafka broker reachable at bootstrap.servers=" + bootstrapServers + " ("
                + String.join("; ", failures) + ")");
    }

    /** @return null when the server accepts a connection, else why not */
    private String probe(String entry) {
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            return "not host:port";
        }
        String host = entry.substring(0, colon).replaceAll("^\\[|]$", "");
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "port is not a number";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return "unknown host (DNS found no address for " + host + ")";
        }
        List<String> failures = new ArrayList<>();
        for (InetAddress address : addresses) {
            String failure = connect(new InetSocketAddress(address, port));
            if (failure == null) {
                return null;
            }
            failures.add(addresses.length > 1 ? address.getHostAddress() + " " + failure : failure);
        }
        return String.join(", ", failures);
    }

    private String connect(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) connectTimeout.toMillis());
            return null;
        } catch (ConnectException e) {
            return "connection refused (nothing listens on that port)";
        } catch (SocketTimeoutException e) {
            return "no answer within " + connectTimeout.toSeconds() + " s (a firewall, or a wrong address)";
        } catch (NoRouteToHostException e) {
            return "no route to host";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
