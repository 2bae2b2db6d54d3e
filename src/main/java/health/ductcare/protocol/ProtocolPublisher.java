package health.ductcare.protocol;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.fhir.ResourceContent;
import health.ductcare.service.ReadOnlyResources;
import health.ductcare.service.ResourceService;
import health.ductcare.store.StoredResource;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.jboss.logging.Logger;

/**
 * Publishes the protocols' PlanDefinitions, ActivityDefinitions and ValueSets, and the service's
 * OperationDefinitions, into the store at start-up, so they are read, searched and versioned like any
 * resource. A resource is written only when its content changed, so restarts and replicas add no versions.
 *
 * <p>Publishing runs in the background (about 2 s on a fresh database, most of it the first use of the write
 * path), so the server answers {@code /fhir/metadata} and health probes meanwhile; {@code rest.ProtocolArtefactsGate} holds
 * every other FHIR request until it is done, and readiness stays down until then. If it fails, the service stops:
 * a server without its protocol must not answer as if it had one.
 */
@Singleton
public class ProtocolPublisher {

    private static final Logger LOG = Logger.getLogger(ProtocolPublisher.class);
    private static final List<String> OPERATION_DEFINITIONS = List.of("operations/CarePlan-generate.json");

    private final FhirContext context;
    private final ProtocolService protocols;
    private final ResourceService resources;
    private final ReadOnlyResources readOnly;
    private final CompletableFuture<Void> published = new CompletableFuture<>();

    public ProtocolPublisher(FhirContext context, ProtocolService protocols, ResourceService resources,
            ReadOnlyResources readOnly) {
        this.context = context;
        this.protocols = protocols;
        this.resources = resources;
        this.readOnly = readOnly;
    }

    /** Publishes on a background thread; {@code StartupWarmUp} calls it at start-up. */
    public void startPublishing() {
        Thread worker = new Thread(this::publishAll, "protocol-publisher");
        worker.setDaemon(true);
        worker.start();
    }

    private void publishAll() {
        try {
            int written = 0;
            List<Resource> artefacts = artefacts();
            for (Resource resource : artefacts) {
                if (publish(resource)) {
                    written++;
                }
            }
            published.complete(null);
            LOG.infof("Published protocol artefacts: %d written, %d unchanged", written, artefacts.size() - written);
        } catch (RuntimeException e) {
            published.completeExceptionally(e);
            LOG.error("Publishing the protocol artefacts failed; stopping", e);
            Quarkus.asyncExit(1);
        }
    }

    public boolean isPublished() {
        return published.isDone() && !published.isCompletedExceptionally();
    }

    /** Completes when the artefacts are in the store; completes exceptionally when publishing failed. */
    public CompletionStage<Void> publication() {
        return published;
    }

    private List<Resource> artefacts() {
        List<Resource> all = new ArrayList<>();
        protocols.all().forEach(protocol -> all.addAll(protocol.resources()));
        for (String path : OPERATION_DEFINITIONS) {
            all.add(read(path));
        }
        return all;
    }

    private boolean publish(Resource resource) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnly.publish(() -> writeIfChanged(type, id, resource));
            } catch (RuntimeException e) {
                // A replica starting at the same moment may have written it first; the next attempt compares.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private boolean writeIfChanged(String type, String id, Resource resource) {
        Optional<StoredResource> stored = resources.find(type, id);
        if (stored.isPresent()) {
            Resource current = (Resource) context.newJsonParser().parseResource(stored.get().json());
            if (ResourceContent.same(current, resource)) {
                return false;
            }
        }
        resources.update(type, id, resource.copy(), null);
        return true;
    }

    private OperationDefinition read(String path) {
        try (InputStream in = ProtocolPublisher.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + path);
            }
            return (OperationDefinition) context.newJsonParser().parseResource(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
