package org.portico.auth.clients;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * Redirect URI matching: exact string comparison (OAuth 2.0 Security BCP 4.1.3), except that a
 * loopback redirect ({@code 127.0.0.0/8}, {@code [::1]}, {@code localhost}) may use any port
 * (RFC 8252 section 7.3): native apps and local dev servers pick a free port at run time.
 * Everything but the port must still be identical. A URI with a fragment never matches.
 */
public final class RedirectUriMatcher {

    private RedirectUriMatcher() {}

    public static boolean matches(String requested, Collection<String> registered) {
        if (requested == null || requested.isEmpty()) {
            return false;
        }
        URI req = parse(requested);
        if (req == null || req.getRawFragment() != null || requested.indexOf('#') >= 0) {
            return false;
        }
        if (registered.contains(requested)) {
            return true;
        }
        if (!isLoopback(req.getHost())) {
            return false;
        }
        for (String candidate : registered) {
            URI reg = parse(candidate);
            if (reg != null && samePortAside(req, reg)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the host is a loopback name or address: {@code localhost}, {@code 127.x.y.z} or {@code [::1]}. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("[0:0:0:0:0:0:0:1]")) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean samePortAside(URI requested, URI registered) {
        return "http".equals(requested.getScheme())
                && Objects.equals(requested.getScheme(), registered.getScheme())
                && requested.getRawUserInfo() == null
                && registered.getRawUserInfo() == null
                && requested.getHost().equalsIgnoreCase(String.valueOf(registered.getHost()))
                && Objects.equals(normalisedPath(requested), normalisedPath(registered))
                && Objects.equals(requested.getRawQuery(), registered.getRawQuery())
                && registered.getRawFragment() == null;
    }

    /** {@code http://localhost} and {@code http://localhost/} name the same resource (RFC 3986 6.2.3). */
    private static String normalisedPath(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static URI parse(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.isAbsolute() && parsed.getHost() != null ? parsed : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
