package health.ductcare.service;

import health.ductcare.engine.CarePlanEngine;
import health.ductcare.fhir.ResourceContent;
import health.ductcare.engine.NoteCode;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.PlanNote;
import health.ductcare.engine.Protocol;
import health.ductcare.mapping.CarePlanContext;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.mapping.PlanInputMapper;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * Maps FHIR inputs to the engine, asks it, and maps the decision back: no I/O, shared by the stored-plan
 * lifecycle and the stateless operations.
 */
public final class CarePlanPlanner {

    private static final Set<CarePlan.CarePlanStatus> PROTOCOL_CLOSES = EnumSet.of(CarePlan.CarePlanStatus.COMPLETED,
            CarePlan.CarePlanStatus.REVOKED);

    private CarePlanPlanner() {
    }

    /** The decision and the CarePlan it yields (empty when nothing is to be planned or stored). */
    public record Planned(PlanDecision decision, Optional<CarePlan> carePlan) {
    }

    /**
     * @param otherConditions the patient's other Conditions, for the diagnoses that stop therapy (an abscess)
     */
    public static Planned plan(Protocol protocol, Condition condition, List<Condition> otherConditions,
            Reference patient, List<MedicationRequest> medicationRequests, Function<String, Medication> medications,
            List<Observation> observations, Instant receivedAt, CarePlan existing, Instant now) {
        PlanInput input = PlanInputMapper.toPlanInput(condition, otherConditions, medicationRequests, medications,
                observations, receivedAt, existing);
        PlanDecision decision = CarePlanEngine.plan(input, protocol, now);
        CarePlanContext context = CarePlanContext.of(protocol, patient,
                new Reference(condition.getIdElement().toUnqualifiedVersionless().getValue()), now)
                .withExisting(existing);
        // Completing or revoking is about a plan that exists; a diagnosis that was never planned gets none.
        Optional<CarePlan> carePlan = existing == null && !makesPlan(decision) ? Optional.empty()
                : CarePlanMapper.toCarePlan(decision, context);
        if (existing != null && existing.hasCreated()) {
            carePlan.ifPresent(plan -> plan.setCreatedElement(existing.getCreatedElement().copy()));
        }
        carePlan.ifPresent(plan -> {
            CarePlan.CarePlanStatus planned = plan.getStatus();
            plan.addExtension(CarePlanMapper.PLANNED_STATUS_URL, new CodeType(planned.toCode()));
            if (existing != null) {
                keepClinicianStatus(existing, plan, planned, now);
                keepNoteTimes(existing, plan);
            }
        });
        return new Planned(decision, carePlan);
    }

    /**
     * A plan status a clinician set (the stored status differs from the one the protocol gave it last time)
     * stays, with a note, unless the protocol now closes the plan (the diagnosis resolved, refuted or deleted).
     */
    private static void keepClinicianStatus(CarePlan existing, CarePlan plan, CarePlan.CarePlanStatus planned,
            Instant now) {
        Extension plannedBefore = existing.getExtensionByUrl(CarePlanMapper.PLANNED_STATUS_URL);
        if (plannedBefore == null || plannedBefore.getValue() == null || !existing.hasStatus()
                || PROTOCOL_CLOSES.contains(planned)) {
            return;
        }
        CarePlan.CarePlanStatus set = existing.getStatus();
        if (set.toCode().equals(plannedBefore.getValue().primitiveValue()) || set == planned) {
            return;
        }
        plan.setStatus(set);
        plan.addNote(CarePlanMapper.annotation(PlanNote.warning(NoteCode.PLAN_STATUS_KEPT, "The plan's status is "
                + set.toCode() + ", as set on the stored plan; the protocol alone would make it " + planned.toCode()
                + "."), now));
    }

    /**
     * A note the plan already carried keeps the time it was first written: otherwise every re-planning would
     * change the note times alone and store a new version that says nothing new.
     */
    private static void keepNoteTimes(CarePlan existing, CarePlan plan) {
        Map<String, DateTimeType> firstWritten = new HashMap<>();
        for (Annotation note : existing.getNote()) {
            if (note.hasText() && note.hasTimeElement()) {
                firstWritten.putIfAbsent(note.getText(), note.getTimeElement());
            }
        }
        for (Annotation note : plan.getNote()) {
            DateTimeType time = firstWritten.get(note.getText());
            if (time != null) {
                note.setTimeElement(time.copy());
            }
        }
    }

    /** True for the decisions that schedule therapy (or hold it for antibiotics). */
    public static boolean makesPlan(PlanDecision decision) {
        return decision instanceof PlanDecision.Scheduled || decision instanceof PlanDecision.OnHold;
    }

    /** True when two plans say the same thing; versions, ids and timestamps of storage aside. */
    public static boolean sameContent(CarePlan stored, CarePlan planned) {
        return ResourceContent.same(stored, planned);
    }
}
