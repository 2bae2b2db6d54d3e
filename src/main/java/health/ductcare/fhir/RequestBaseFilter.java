package health.ductcare.fhir;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Notes the base URL each request reached us at, for the writes it makes ({@link ServerBase#current()}). */
public class RequestBaseFilter {

    @Inject
    ServerBase serverBase;
    @Inject
    Instance<ServerBase.RequestBase> requestBase;

    @ServerRequestFilter
    public void note(ContainerRequestContext request) {
        if (serverBase.configured == null) {
            UriInfo uri = request.getUriInfo();
            requestBase.get().set(() -> serverBase.of(uri));
        }
    }
}
