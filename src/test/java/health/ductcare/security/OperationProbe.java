package health.ductcare.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * A test-only FHIR operation route ({@code $security-probe}), so the authorization of operations is exercised
 * before the real operations ($generate, $apply) land from their branch. It answers 200 and reads nothing.
 */
@Path("/fhir/{type}/{id}/$security-probe")
public class OperationProbe {

    @GET
    public Response instance(@PathParam("type") String type, @PathParam("id") String id) {
        return Response.ok("{\"resourceType\":\"Parameters\"}", "application/fhir+json").build();
    }
}
