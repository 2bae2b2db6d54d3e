package health.ductcare.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/** SMART discovery under the FHIR base, where SMART clients look ({@code [base]/.well-known/smart-configuration}). */
@Path("/fhir/.well-known/smart-configuration")
public class SmartConfigurationResource {

    private final SmartConfiguration configuration;

    public SmartConfigurationResource(SmartConfiguration configuration) {
        this.configuration = configuration;
    }

    @GET
    @Produces("application/json")
    public Response discovery() {
        return Response.ok(configuration.discoveryDocument(), "application/json").build();
    }

    /** The same document at the server root, for clients that resolve it against the host. */
    @Path("/.well-known/smart-configuration")
    public static class AtRoot {

        private final SmartConfiguration configuration;

        public AtRoot(SmartConfiguration configuration) {
            this.configuration = configuration;
        }

        @GET
        @Produces("application/json")
        public Response discovery() {
            return Response.ok(configuration.discoveryDocument(), "application/json").build();
        }
    }
}
