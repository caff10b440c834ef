package io.featurex.worker.config;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Where /metrics, /healthz and /readyz listen; a port of -1 serves none of them. */
public record MetricsSettings(String bindAddress, int port) {

    static MetricsSettings from(SettingReader r) {
        String bindAddress = r.raw(Setting.METRICS_BIND_ADDRESS);
        BindHost.problem(bindAddress).ifPresent(why -> r.problem(Setting.METRICS_BIND_ADDRESS, why));
        return new MetricsSettings(bindAddress, r.integer(Setting.METRICS_PORT, -1, 65535));
    }

    public boolean enabled() {
        return port >= 0;
    }

    /**
     * Resolved now, when the server binds, rather than when the configuration was read: the
     * commands that never serve metrics must not fail on a name only the worker's host knows.
     */
    public InetSocketAddress address() throws UnknownHostException {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(
                    Setting.METRICS_BIND_ADDRESS.problem("'" + bindAddress + "' does not resolve to an address"));
        }
        return address;
    }
}
