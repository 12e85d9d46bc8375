package org.portico.auth.clients;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Keeps a client's {@code jwks_uri} from turning the server into a proxy into its own network (SSRF):
 * the host must resolve to public addresses only. Checked at registration (a clear error early) and
 * again by {@link ClientJwks} as the resolver of the very connection it opens, so that a name that
 * resolves elsewhere by the time of the fetch (DNS rebinding) is still caught.
 *
 * <p>Refused: loopback, unspecified (0.0.0.0/8, ::), private (10/8, 172.16/12, 192.168/16, fc00::/7,
 * fec0::/10), shared address space (100.64/10), link-local (169.254/16, fe80::/10: cloud metadata
 * endpoints live there), multicast and reserved (240/4) addresses, also when embedded in an IPv6
 * address (IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}). With
 * {@code allowPrivate} (operators, for their own deployments and tests) loopback, private and shared
 * addresses are allowed; link-local, multicast, unspecified and reserved ones never are.
 */
public final class JwksUriGuard {

    /** Resolves a host name to all its addresses: the system resolver, or a table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host that resolves to an address the guard refuses; an {@link UnknownHostException} so that HTTP clients stop there. */
    public static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    public JwksUriGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** With the system resolver. */
    public static JwksUriGuard system(boolean allowPrivate) {
        return new JwksUriGuard(allowPrivate, InetAddress::getAllByName);
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /**
     * All addresses of {@code host} (a name, or an IP literal, IPv6 with or without brackets), if
     * every one is allowed.
     *
     * @throws RefusedAddressException when one of them is not allowed
     * @throws UnknownHostException    when the host does not resolve
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            String refused = refusedClass(address);
            if (refused != null) {
                throw new RefusedAddressException(host + " resolves to a " + refused + " address (" + address.getHostAddress()
                        + "); a jwks_uri must be reachable on the public internet");
            }
        }
        return Arrays.copyOf(addresses, addresses.length);
    }

    /**
     * Why {@code address} is refused (a class such as {@code loopback}), or null when it is allowed.
     */
    public String refusedClass(InetAddress address) {
        String kind = addressClass(address);
        if (kind == null || (allowPrivate && (kind.equals(LOOPBACK) || kind.equals(PRIVATE) || kind.equals(SHARED)))) {
            return null;
        }
        return kind;
    }

    static final String LOOPBACK = "loopback";
    static final String PRIVATE = "private";
    static final String SHARED = "shared (carrier-grade NAT)";
    static final String LINK_LOCAL = "link-local";
    static final String MULTICAST = "multicast";
    static final String UNSPECIFIED = "unspecified";
    static final String RESERVED = "reserved";

    /** The special-purpose class of an address, or null for an ordinary (public) one. */
    static String addressClass(InetAddress address) {
        if (address instanceof Inet4Address) {
            return ipv4Class(address.getAddress());
        }
        if (!(address instanceof Inet6Address)) {
            return RESERVED;
        }
        byte[] b = address.getAddress();
        if (address.isAnyLocalAddress()) {
            return UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return LINK_LOCAL;
        }
        if (address.isMulticastAddress()) {
            return MULTICAST;
        }
        if (address.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc) {
            return PRIVATE; // fec0::/10 (deprecated site-local) and fc00::/7 (unique local)
        }
        if (allZero(b, 0, 12)) {
            return ipv4Class(Arrays.copyOfRange(b, 12, 16)); // IPv4-compatible ::a.b.c.d
        }
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4Class(Arrays.copyOfRange(b, 12, 16)); // IPv4-mapped, should Java not have mapped it already
        }
        if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            return ipv4Class(Arrays.copyOfRange(b, 12, 16)); // NAT64 64:ff9b::/96
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return ipv4Class(Arrays.copyOfRange(b, 2, 6)); // 6to4 2002::/16
        }
        return null;
    }

    private static String ipv4Class(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return UNSPECIFIED; // 0.0.0.0/8: "this host" (Linux connects 0.0.0.0 to itself)
        }
        if (first == 127) {
            return LOOPBACK;
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return PRIVATE;
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return SHARED;
        }
        if (first == 169 && second == 254) {
            return LINK_LOCAL;
        }
        if (first >= 224 && first <= 239) {
            return MULTICAST;
        }
        if (first >= 240) {
            return RESERVED; // 240/4 and the broadcast address
        }
        return null;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
