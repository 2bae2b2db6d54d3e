package health.ductcare.fhir;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A URL path with broken percent-encoding ({@code /fhir/Patient/a%zz}) fails in Vert.x's router before any route
 * or JAX-RS mapper runs, and Vert.x would answer a plain-text "Bad Request". This answers it with an
 * OperationOutcome, in JSON: nothing of the request (not even {@code _format}) can be trusted at that point.
 */
@Singleton
public class UndecodableUrls {

    private final FhirWriter writer;

    public UndecodableUrls(FhirWriter writer) {
        this.writer = writer;
    }

    void register(@Observes Router router) {
        router.errorHandler(400, routingContext -> {
            if (routingContext.response().headWritten()) {
                return;
            }
            String body = writer.encode(OperationOutcomes.error(IssueType.INVALID,
                    "The request URL could not be decoded: check its percent-encoding"), ResponseOptions.DEFAULT_JSON);
            routingContext.response().setStatusCode(400)
                    .putHeader(HttpHeaders.CONTENT_TYPE, ResponseOptions.DEFAULT_JSON.contentType())
                    .end(body);
        });
    }
}
