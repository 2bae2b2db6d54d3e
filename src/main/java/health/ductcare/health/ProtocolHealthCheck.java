package health.ductcare.health;

import health.ductcare.protocol.ProtocolPublisher;
import health.ductcare.protocol.ProtocolService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the care-plan protocol is loaded, checked and published; reports which one is active. */
@Readiness
@ApplicationScoped
public class ProtocolHealthCheck implements HealthCheck {

    private final ProtocolService protocols;
    private final ProtocolPublisher publisher;

    public ProtocolHealthCheck(ProtocolService protocols, ProtocolPublisher publisher) {
        this.protocols = protocols;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        var protocol = protocols.active().protocol();
        return HealthCheckResponse.named("care-plan-protocol")
                .status(publisher.isPublished())
                .withData("protocol", protocol.canonical())
                .withData("variant", protocol.variant())
                .withData("source", protocols.active().source())
                .build();
    }
}
