package health.ductcare.security;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates the bearer token (smallrye-jwt: signature against the configured keys and algorithms, issuer,
 * audience, expiry, not-before) and checks that its SMART scopes allow the FHIR interaction the request asks
 * for, before any body is read. The outcome is kept in the request's {@link AccessContext}. A missing or bad
 * token is a 401 with {@code WWW-Authenticate: Bearer}; a scope that does not allow the interaction is a 403;
 * both carry an OperationOutcome (the FHIR exception mappers write them).
 */
public class SmartAuthorizationFilter {

    private static final Logger LOG = Logger.getLogger(SmartAuthorizationFilter.class);
    private static final String FHIR_ROOT = "/fhir";
    private static final String REALM = "Bearer realm=\"DuctCare\"";

    @Inject
    AccessContext access;
    @Inject
    AccessPolicy policy;
    @Inject
    Instance<JWTParser> parser;
    @ConfigProperty(name = "ductcare.security.enabled", defaultValue = "true")
    boolean enabled;

    @ServerRequestFilter
    public void authorize(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        String method = request.getMethod();
        boolean fhir = path.equals(FHIR_ROOT) || path.startsWith(FHIR_ROOT + "/");
        String fhirPath = fhir ? path.substring(FHIR_ROOT.length()) : null;
        FhirRequest fhirRequest = fhir ? FhirRequest.of(method, fhirPath) : null;
        if (fhirRequest != null && fhirRequest.interaction().isWrite() && fhirRequest.type() != null) {
            policy.checkInteraction(fhirRequest.interaction(), fhirRequest.type());
        }
        boolean open = fhir ? FhirRequest.isPublic(method, fhirPath) : isPublicOutsideFhir(path);
        if (!enabled || open || "OPTIONS".equals(method)) {
            access.unrestricted(fhirRequest);
            return;
        }
        access.attempted(fhirRequest);
        JsonWebToken token = verify(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        String patient = stringClaim(token, "patient");
        List<SmartScope> scopes = scopes(token);
        if (patient == null && scopes.stream().anyMatch(s -> s.context() == SmartScope.Context.PATIENT)
                && scopes.stream().allMatch(s -> s.context() == SmartScope.Context.PATIENT)) {
            throw new ForbiddenOperationException("The token has patient/ scopes but no patient claim");
        }
        String clientId = Optional.ofNullable(stringClaim(token, "client_id")).orElse(stringClaim(token, "azp"));
        access.authenticated(token.getSubject(), clientId, scopes, patient,
                actsWithoutUser(scopes, patient, stringClaim(token, "fhirUser")), fhirRequest);
        if (fhirRequest != null) {
            policy.checkInteraction(fhirRequest.interaction(), fhirRequest.type());
        }
    }

    /**
     * A SMART Backend Services token (client credentials) carries system/ scopes and no user: no patient and no
     * fhirUser claim, and no user/ or patient/ scope that would only make sense with a person behind it.
     */
    static boolean actsWithoutUser(List<SmartScope> scopes, String patient, String fhirUser) {
        return patient == null && fhirUser == null && !scopes.isEmpty()
                && scopes.stream().allMatch(scope -> scope.context() == SmartScope.Context.SYSTEM);
    }

    private JsonWebToken verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized(REALM, "A bearer token is required (Authorization: Bearer <token>)");
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            throw unauthorized(REALM, "The Authorization header must use the Bearer scheme");
        }
        try {
            return parser.get().parse(parts[1]);
        } catch (ParseException | RuntimeException e) {
            // Only the kind of failure is logged: jose4j's messages quote the token's claims (patient ids).
            LOG.debugf("Bearer token refused (%s)", rootCause(e));
            throw unauthorized(REALM + ", error=\"invalid_token\"",
                    "The bearer token is not valid (signature, issuer, audience or validity period)");
        }
    }

    private static AuthenticationException unauthorized(String challenge, String message) {
        AuthenticationException e = new AuthenticationException(message);
        e.addResponseHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return e;
    }

    private static boolean isPublicOutsideFhir(String path) {
        return path.equals("/.well-known/smart-configuration");
    }

    /** SMART puts scopes in {@code scope} (space separated); some servers use {@code scp} (an array). */
    static List<SmartScope> scopes(JsonWebToken token) {
        List<String> texts = new ArrayList<>();
        for (String claim : List.of("scope", "scp")) {
            Object value = token.getClaim(claim);
            for (String text : strings(value)) {
                texts.addAll(List.of(text.trim().split("\\s+")));
            }
        }
        List<SmartScope> scopes = new ArrayList<>();
        for (String text : texts) {
            SmartScope.parse(text).ifPresent(scopes::add);
        }
        return scopes;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof JsonString text) {
            return List.of(text.getString());
        }
        if (value instanceof JsonArray array) {
            List<String> texts = new ArrayList<>();
            for (JsonValue item : array) {
                if (item instanceof JsonString text) {
                    texts.add(text.getString());
                }
            }
            return texts;
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static String stringClaim(JsonWebToken token, String name) {
        List<String> values = strings(token.getClaim(name));
        return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
