package health.ductcare.protocol;

import health.ductcare.engine.Protocol;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * A checked protocol: the engine's {@link Protocol} and the FHIR resources it was read from (with any
 * overrides applied), handed out as copies so that callers cannot change what later plans use.
 */
public final class LoadedProtocol {

    private final String source;
    private final Protocol protocol;
    private final PlanDefinition planDefinition;
    private final List<ActivityDefinition> activityDefinitions;
    private final List<ValueSet> valueSets;

    LoadedProtocol(String source, Protocol protocol, PlanDefinition planDefinition,
                   List<ActivityDefinition> activityDefinitions, List<ValueSet> valueSets) {
        this.source = source;
        this.protocol = protocol;
        this.planDefinition = planDefinition;
        this.activityDefinitions = List.copyOf(activityDefinitions);
        this.valueSets = List.copyOf(valueSets);
    }

    /** Where the protocol came from, e.g. the classpath resource name. */
    public String source() {
        return source;
    }

    public Protocol protocol() {
        return protocol;
    }

    public PlanDefinition planDefinition() {
        return planDefinition.copy();
    }

    public List<ActivityDefinition> activityDefinitions() {
        return activityDefinitions.stream().map(ActivityDefinition::copy).toList();
    }

    public List<ValueSet> valueSets() {
        return valueSets.stream().map(ValueSet::copy).toList();
    }

    /** PlanDefinition, ActivityDefinitions and ValueSets, in that order. */
    public List<Resource> resources() {
        List<Resource> all = new ArrayList<>();
        all.add(planDefinition());
        all.addAll(activityDefinitions());
        all.addAll(valueSets());
        return all;
    }
}
