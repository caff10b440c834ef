package io.featurex.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    private static WorkerConfig with(String bindAddress) {
        return WorkerConfig.from(Map.of("bootstrap.servers", "b:9092", "metrics.bind-address", bindAddress));
    }

    @Test
    void everyInterfaceByDefaultAsTheWorkerHasAlwaysListened() throws Exception {
        MetricsSettings metrics =
                WorkerConfig.from(Map.of("bootstrap.servers", "b:9092")).metrics();
        assertThat(metrics.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(metrics.port()).isEqualTo(9400);
        assertThat(metrics.address().getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void addressesAndHostNamesAreAccepted() {
        for (String host :
                List.of("127.0.0.1", "10.1.2.3", "::1", "[::1]", "fe80::1", "localhost", "metrics.ml.svc.")) {
            assertThat(with(host).metrics().bindAddress()).isEqualTo(host);
        }
    }

    @Test
    void aMalformedAddressIsListedWithTheOtherProblems() {
        for (String host : List.of("256.1.1.1", "1.2.3", "::g", "[::1", "-host", "host_name", "a..b", "http://x")) {
            ConfigException e = catchThrowableOfType(
                    ConfigException.class,
                    () -> WorkerConfig.from(Map.of(
                            "bootstrap.servers", "b:9092", "metrics.bind-address", host, "metrics.port", "70000")));
            assertThat(e.problems()).as(host).hasSize(2);
            assertThat(e.getMessage())
                    .contains("metrics.bind-address (--metrics-bind-address, FEATUREX_METRICS_BIND_ADDRESS): '" + host
                            + "' is not an IP address or a host name")
                    .contains("metrics.port");
        }
    }

    /** No name that fails to resolve here: that would ask a DNS server, and the tests talk to loopback only. */
    @Test
    void aNameIsResolvedWhenTheServerBinds() throws Exception {
        assertThat(with("localhost").metrics().address().getAddress()).isEqualTo(InetAddress.getByName("localhost"));
    }
}
