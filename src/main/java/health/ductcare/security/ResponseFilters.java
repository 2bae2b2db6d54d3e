package health.ductcare.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.EntityTag;
import java.net.URI;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** After every answer: no caching of authenticated responses, and the interaction onto the audit trail. */
public class ResponseFilters {

    private static final Set<Interaction> VERSIONED = EnumSet.of(Interaction.READ, Interaction.VREAD,
            Interaction.CREATE, Interaction.UPDATE, Interaction.PATCH, Interaction.DELETE);
    private static final Pattern ETAG_VERSION = Pattern.compile("^(?:W/)?\"?([0-9]{1,9})\"?$");

    @Inject
    AccessContext access;
    @Inject
    AuditTrail audit;

    @ServerResponseFilter
    public void afterResponse(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getHeaderString(HttpHeaders.AUTHORIZATION) != null
                && !response.getHeaders().containsKey(HttpHeaders.CACHE_CONTROL)) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        String path = request.getUriInfo().getPath();
        if (!path.equals("/fhir") && !path.startsWith("/fhir/")) {
            return;
        }
        String fhirPath = path.substring("/fhir".length());
        if ("OPTIONS".equals(request.getMethod()) || FhirRequest.isPublic(request.getMethod(), fhirPath)) {
            return;
        }
        // Known when the authorization filter ran; a request the router refused before it is derived here.
        FhirRequest fhirRequest = access.request() != null ? access.request()
                : FhirRequest.of(request.getMethod(), fhirPath);
        String compartmentPatient = fhirRequest.type() != null && access.isEnforced()
                && access.patientId() != null ? access.patientId() : null;
        AuditTrail.Requestor requestor = new AuditTrail.Requestor(access.subject(), access.clientId(),
                access.actsWithoutUser());
        audit.record(new AuditTrail.Entry(fhirRequest, requestor, compartmentPatient, createdId(response),
                versionOf(fhirRequest, response), response.getStatus(), access.bundleAccess()));
    }

    /** The version a single-resource interaction read or wrote, as its ETag ({@code W/"3"}) says. */
    private static Integer versionOf(FhirRequest request, ContainerResponseContext response) {
        if (!VERSIONED.contains(request.interaction()) || response.getStatus() >= 400) {
            return null;
        }
        Object etag = response.getHeaders().getFirst(HttpHeaders.ETAG);
        String text = etag instanceof EntityTag tag ? tag.getValue() : etag == null ? null : etag.toString();
        Matcher matcher = text == null ? null : ETAG_VERSION.matcher(text);
        return matcher != null && matcher.matches() ? Integer.valueOf(matcher.group(1)) : null;
    }

    private static String createdId(ContainerResponseContext response) {
        Object location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
        if (location == null) {
            return null;
        }
        String path = location instanceof URI uri ? uri.getPath() : location.toString();
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i > 0; i--) {
            if (parts[i].equals("_history") && i >= 1) {
                return parts[i - 1];
            }
        }
        return parts.length == 0 ? null : parts[parts.length - 1];
    }
}
