package health.ductcare.mapping;

import health.ductcare.engine.Protocol;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Reference;

/**
 * Everything the CarePlan needs besides the decision.
 *
 * @param supportingInfo references the plan was made from (MedicationRequests, Observations); the
 *                       decision's evidence is added to them
 * @param physiotherapist performer of therapist steps; a display-only PractitionerRole by default
 * @param existing        the stored CarePlan for this Condition (its id is kept), or null
 * @param now             the CarePlan's created time
 */
public record CarePlanContext(
        Protocol protocol,
        Reference patient,
        Reference condition,
        List<Reference> supportingInfo,
        Reference author,
        Reference physiotherapist,
        CarePlan existing,
        Instant now) {

    public static final String SERVICE_DEVICE = "Device/ductcare";

    public CarePlanContext {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(now, "now");
        supportingInfo = supportingInfo == null ? List.of() : List.copyOf(supportingInfo);
        author = author != null ? author : new Reference(SERVICE_DEVICE).setDisplay("DuctCare care-plan service");
        physiotherapist = physiotherapist != null ? physiotherapist
                : new Reference().setType("PractitionerRole").setDisplay("Physiotherapist");
    }

    public static CarePlanContext of(Protocol protocol, Reference patient, Reference condition, Instant now) {
        return new CarePlanContext(protocol, patient, condition, List.of(), null, null, null, now);
    }

    public CarePlanContext withSupportingInfo(List<Reference> references) {
        return new CarePlanContext(protocol, patient, condition, references, author, physiotherapist, existing, now);
    }

    public CarePlanContext withExisting(CarePlan stored) {
        return new CarePlanContext(protocol, patient, condition, supportingInfo, author, physiotherapist, stored, now);
    }
}
