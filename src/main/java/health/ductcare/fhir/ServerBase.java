package health.ductcare.fhir;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This server's own FHIR base URL, and the rule that makes a reference to it local: the configured
 * {@code ductcare.fhir.base-url} when set, else the base of the request being served ({@code <scheme>://<host>/fhir}).
 * A reference that is an absolute URL under that base ({@code http://host/fhir/Patient/1}) names the same resource as
 * {@code Patient/1} (search.html#reference: "the server's own base"); one under any other base names a resource of
 * another server, however much its path looks like ours.
 */
@ApplicationScoped
public class ServerBase {

    private static final Pattern RELATIVE = Pattern.compile(
            "^([A-Z][A-Za-z]{1,63})/(" + FhirIds.REGEX + ")(?:/_history/[^/]+)?$");
    private static final Pattern ABSOLUTE = Pattern.compile(
            "^([A-Za-z][A-Za-z0-9+.\\-]*://[^?#]*)/([A-Z][A-Za-z]{1,63})/(" + FhirIds.REGEX
                    + ")(?:/_history/[^/?#]+)?$");

    final String configured;
    /** A reference's type and id, also in the forms HAPI hands FHIRPath's resolve() ({@code .../x//_history/1}). */
    private static final Pattern TYPED = Pattern.compile(
            "^(?:.*/)?([A-Z][A-Za-z]{1,63})/+(" + FhirIds.REGEX + ")(?:/+_history/[^/]+)?$");

    private final Instance<RequestBase> requestBase;

    public ServerBase(@ConfigProperty(name = "ductcare.fhir.base-url", defaultValue = " ") String configured,
            Instance<RequestBase> requestBase) {
        this.configured = configured.isBlank() ? null : configured.trim().replaceAll("/+$", "");
        this.requestBase = requestBase;
    }

    /** The base a request reached us at: the configured one, else its own {@code .../fhir}. */
    public String of(UriInfo uri) {
        if (configured != null) {
            return configured;
        }
        return uri.getBaseUri().toString().replaceAll("/+$", "") + "/fhir";
    }

    /**
     * The base of this moment: the configured one, else that of the request being served, else null (work outside
     * a request, such as start-up, knows no base of its own and keeps absolute references absolute).
     */
    public String current() {
        if (configured != null) {
            return configured;
        }
        ManagedContext context = Arc.container().requestContext();
        if (!context.isActive()) {
            return null;
        }
        return requestBase.get().value();
    }

    /** {@link #local(String, String)} with {@link #current()}. */
    public String local(String reference) {
        return local(reference, current());
    }

    /**
     * {@code Type/id} for a reference to a resource of this server: relative ({@code Type/id}, versioned or not), or
     * absolute under {@code base} (see {@link #sameBase}); null for anything else (another server's URL, a URN, a
     * contained {@code #ref}, a conditional reference).
     */
    public static String local(String reference, String base) {
        if (reference == null) {
            return null;
        }
        Matcher relative = RELATIVE.matcher(reference);
        if (relative.matches()) {
            return relative.group(1) + "/" + relative.group(2);
        }
        if (base == null) {
            return null;
        }
        Matcher absolute = ABSOLUTE.matcher(reference);
        if (absolute.matches() && sameBase(absolute.group(1), base)) {
            return absolute.group(2) + "/" + absolute.group(3);
        }
        return null;
    }

    /**
     * The part of an absolute {@code url} after {@code base} ({@code Patient/1?x} of {@code http://host/fhir/Patient/1?x}),
     * when the url is under that base by {@link #sameBase}; null when it is not (or {@code base} is null).
     */
    public static String relativeTo(String url, String base) {
        if (url == null || base == null) {
            return null;
        }
        int authority = url.indexOf("://");
        if (authority < 0) {
            return null;
        }
        int end = url.indexOf('?') >= 0 ? url.indexOf('?') : url.length();
        for (int slash = url.indexOf('/', authority + 3); slash >= 0 && slash < end; slash = url.indexOf('/', slash + 1)) {
            if (sameBase(url.substring(0, slash), base)) {
                return url.substring(slash + 1);
            }
        }
        return sameBase(url.substring(0, end), base) ? url.substring(end) : null;
    }

    /** The resource type a relative or FHIR-style absolute reference ends in ({@code .../Patient/1}), or null. */
    public static String targetType(String reference) {
        if (reference == null) {
            return null;
        }
        Matcher typed = TYPED.matcher(reference);
        return typed.matches() ? typed.group(1) : null;
    }

    /**
     * Whether two base URLs are the same: scheme and host in any case, the same port (a default port may be left
     * out), and the same path, case-sensitively, whatever trailing slashes either has. A base with user info, a
     * query or a fragment is never ours.
     */
    public static boolean sameBase(String candidate, String base) {
        if (candidate == null || base == null) {
            return false;
        }
        URI a;
        URI b;
        try {
            a = new URI(candidate.trim());
            b = new URI(base.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (!a.isAbsolute() || !b.isAbsolute() || a.getHost() == null || b.getHost() == null
                || a.getRawUserInfo() != null || a.getRawQuery() != null || a.getRawFragment() != null) {
            return false;
        }
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b)
                && path(a).equals(path(b));
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    private static String path(URI uri) {
        String path = uri.getRawPath();
        return path == null ? "" : path.replaceAll("/+$", "");
    }

    /**
     * The base the request being served reached us at (unused when a base is configured). Read and written through
     * its methods only: the bean is reached through a client proxy, whose own fields are not the request's.
     */
    @RequestScoped
    public static class RequestBase {
        private Supplier<String> source;
        private String value;

        /** Worked out on first use: most requests (a read, a search) never ask for it. */
        public String value() {
            if (value == null && source != null) {
                value = source.get();
                source = null;
            }
            return value;
        }

        public void set(Supplier<String> source) {
            this.source = source;
            this.value = null;
        }
    }
}
