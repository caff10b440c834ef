package io.featurex.worker.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves a host once and refuses it when any of its addresses is not globally reachable
 * ({@link PublicAddresses}). The HTTP client connects to exactly the addresses returned here, so a
 * name that answers differently on a second lookup (DNS rebinding) cannot slip past the check.
 */
final class PublicAddressResolver implements DnsResolver {

    /** The system's lookup, or a test's. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    /** A host refused by the SSRF guard: not a lookup failure, so it gets its own error code. */
    static final class NotPublicException extends UnknownHostException {
        NotPublicException(String message) {
            super(message);
        }
    }

    private final Lookup lookup;

    PublicAddressResolver(Lookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookup.all(host);
        for (InetAddress address : addresses) {
            Optional<String> refusal = PublicAddresses.refusal(address);
            if (refusal.isPresent()) {
                throw new NotPublicException("host " + host + " resolves to " + address.getHostAddress()
                        + ", which is not globally reachable: " + refusal.get());
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }
}
