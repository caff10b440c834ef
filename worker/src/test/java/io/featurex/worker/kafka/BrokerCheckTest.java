package io.featurex.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurex.worker.cli.TestAccess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerCheckTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Resolves only names the test knows, all to loopback: no lookup leaves this machine. */
    private final List<String> looked = new ArrayList<>();

    private final BrokerCheck check = new BrokerCheck(
            host -> {
                looked.add(host);
                if (host.equals("127.0.0.1") || host.equals("broker.test")) {
                    return new InetAddress[] {LOOPBACK};
                }
                throw new UnknownHostException(host);
            },
            Duration.ofSeconds(2));

    @Test
    void aServerThatListensIsEnough() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            assertThatCode(() -> check.check("broker.test:" + server.getLocalPort()))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void everyServerIsNamedWithWhyItFailed() throws IOException {
        int closed = closedPort();
        assertThatThrownBy(() -> check.check("127.0.0.1:" + closed + ", nosuchhost.test:9092,broker.test"))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("no Kafka broker reachable at bootstrap.servers=")
                .hasMessageContaining("127.0.0.1:" + closed + ": connection refused")
                .hasMessageContaining("nosuchhost.test:9092: unknown host")
                .hasMessageContaining("broker.test: not host:port");
        assertThat(looked).containsExactly("127.0.0.1", "nosuchhost.test");
    }

    @Test
    void oneReachableServerAmongDeadOnesIsEnough() throws IOException {
        int closed = closedPort();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            assertThatCode(() -> check.check(
                            "nosuchhost.test:1,127.0.0.1:" + closed + ",broker.test:" + server.getLocalPort()))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void runExitsAtOnceWithOneLineWhenNothingListens() throws IOException {
        int closed = closedPort();
        long started = System.nanoTime();
        int code = TestAccess.execute("run", "--bootstrap-servers", "127.0.0.1:" + closed, "--metrics-port", "-1");
        assertThat(code).isEqualTo(1);
        // Not a timing assertion of speed: only that it did not wait out a client timeout (60 s).
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            return server.getLocalPort();
        }
    }
}
