package health.ductcare.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Counts generated CarePlans by their resulting status ({@code ductcare.careplans.generated{status=...}}).
 * The care-plan engine calls {@link #recordPlan(String)} once per CarePlan it stores.
 */
@Singleton
public class CarePlanMetrics {

    public static final String COUNTER = "ductcare.careplans.generated";

    /** CarePlan.status (request-status value set); anything else counts as "other" to keep the tag bounded. */
    private static final Set<String> STATUSES = Set.of("draft", "active", "on-hold", "revoked", "completed",
            "entered-in-error", "unknown");

    private final MeterRegistry registry;

    public CarePlanMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void recordPlan(String status) {
        String tag = status != null && STATUSES.contains(status) ? status : "other";
        Counter.builder(COUNTER)
                .description("CarePlans generated, by resulting CarePlan.status")
                .tag("status", tag)
                .register(registry)
                .increment();
    }
}
