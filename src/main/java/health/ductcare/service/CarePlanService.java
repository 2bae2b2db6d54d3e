package health.ductcare.service;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.engine.CarePlanEngine;
import health.ductcare.engine.NoteCode;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.PlanNote;
import health.ductcare.engine.Protocol;
import health.ductcare.fhir.ResourceContent;
import health.ductcare.fhir.StoredNarrative;
import health.ductcare.mapping.CarePlanContext;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.mapping.PlanInputMapper;
import health.ductcare.observability.CarePlanMetrics;
import health.ductcare.protocol.ProtocolService;
import health.ductcare.store.PlanLocks;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * Plans follow the data: every write of a Condition, MedicationRequest or Observation recomputes the affected
 * CarePlans of that patient inside the same transaction (a Condition its own plan, or, when it is or was an
 * abscess, every plan of the patient). One CarePlan per Condition, with an id derived from
 * the Condition's, updated as a new version only when its content changes.
 */
@ApplicationScoped
public class CarePlanService implements ResourceChangeListener {

    private final FhirContext context;
    private final ResourceService resources;
    private final PlanningFactsLoader planningFacts;
    private final ProtocolService protocols;
    private final PlanLocks locks;
    private final Clock clock;
    private final CarePlanMetrics metrics;

    public CarePlanService(FhirContext context, ResourceService resources, PlanningFactsLoader planningFacts,
            ProtocolService protocols, PlanLocks locks, Clock clock, CarePlanMetrics metrics) {
        this.metrics = metrics;
        this.context = context;
        this.resources = resources;
        this.planningFacts = planningFacts;
        this.protocols = protocols;
        this.locks = locks;
        this.clock = clock;
    }

    @Override
    public void onChange(ResourceChange change) {
        switch (change.type()) {
            case "Condition" -> onConditionChange(change);
            case "MedicationRequest" -> subjectOf(change).ifPresent(patient -> replanPatient(patient, null));
            case "Observation" -> {
                if (mayBeTemperature(change)) {
                    subjectOf(change).ifPresent(patient -> replanPatient(patient, null));
                }
            }
            default -> {
            }
        }
    }

    /** The id of the CarePlan that addresses a Condition: derived, so there is never more than one. */
    public static String carePlanIdFor(String conditionId) {
        String candidate = "careplan-" + conditionId;
        if (candidate.length() <= 64) {
            return candidate;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(conditionId.getBytes(StandardCharsets.UTF_8));
            return "careplan-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Condition's own plan follows it. A Condition that is or was an abscess also re-plans every other
     * Condition of the patient: an active abscess stops their therapy, and one resolved, refuted or deleted lets it
     * go on.
     */
    private void onConditionChange(ResourceChange change) {
        Optional<Condition> previous = change.kind() == ResourceChange.Kind.CREATE ? Optional.empty()
                : resources.previousVersion(change.stored())
                        .filter(stored -> !stored.deleted())
                        .map(stored -> context.newJsonParser().parseResource(Condition.class, stored.json()));
        if (change.kind() == ResourceChange.Kind.DELETE) {
            revokeForDeletedCondition(change.stored());
            previous.filter(this::isAbscess).flatMap(abscess -> patientOf(abscess.getSubject()))
                    .ifPresent(patient -> replanPatient(patient, null));
            return;
        }
        Condition condition = (Condition) change.resource();
        boolean abscessChanged = isAbscess(condition) || previous.filter(this::isAbscess).isPresent();
        patientOf(condition.getSubject()).ifPresent(patient -> replanPatient(patient, abscessChanged ? null : condition));
        if (abscessChanged) {
            previous.flatMap(before -> patientOf(before.getSubject()))
                    .filter(patientBefore -> !patientBefore.equals(patientOf(condition.getSubject()).orElse(null)))
                    .ifPresent(patientBefore -> replanPatient(patientBefore, null));
        }
    }

    private boolean isAbscess(Condition condition) {
        return protocols.active().protocol().codes().abscess()
                .matchesAny(PlanInputMapper.diagnosis(condition, null).codes());
    }

    /**
     * Recomputes the plans of one Condition, or of every Condition of the patient when {@code only} is null.
     * A Condition the protocol cannot apply to, and that has no plan yet, costs no further reads. The patient's
     * facts come from {@link PlanningFactsLoader}, as those of {@code $generate} and {@code $apply} do.
     */
    private void replanPatient(String patientReference, Condition only) {
        Protocol protocol = protocols.active().protocol();
        PatientFacts facts = planningFacts.stored(patientReference, protocol);
        if (only == null) {
            // The patient's Conditions are read under the lock, so one committed meanwhile is not missed.
            locks.lock(patientReference);
        }
        List<Condition> conditions = only != null ? List.of(only) : facts.conditions();
        Instant now = clock.instant();
        boolean locked = only == null;
        for (Condition condition : conditions) {
            String conditionId = condition.getIdElement().getIdPart();
            String carePlanId = carePlanIdFor(conditionId);
            Instant received = planningFacts.receivedAt(condition, now);
            if (!locked) {
                if (resources.find("CarePlan", carePlanId).isEmpty()
                        && cannotApply(condition, received, protocol, now)) {
                    continue;
                }
                // The antibiotics and temperatures (and, for one Condition, the others) are read under the lock.
                locks.lock(patientReference);
                locked = true;
            }
            replan(carePlanId, condition, facts, new Reference(patientReference), protocol, received, now);
        }
    }

    /**
     * Plans one Condition under its patient's lock, so no other re-planning of hers runs meanwhile. The stored plan
     * is read as committed now and its row is locked only when the plan must change: most re-plannings (another
     * antibiotic order that starts no earlier) change nothing, and a row lock is a write the commit pays for. A
     * clinician's write of the plan may come between the read and the lock; then the plan is made again from
     * what she wrote.
     */
    private void replan(String carePlanId, Condition condition, PatientFacts facts, Reference patient,
            Protocol protocol, Instant received, Instant now) {
        Optional<StoredResource> read = resources.findCommitted("CarePlan", carePlanId);
        if (read.isEmpty() && cannotApply(condition, received, protocol, now)) {
            return;
        }
        StoredPlan existing = read.map(this::parseCarePlan).orElse(null);
        Optional<CarePlan> planned = plan(condition, facts, patient, protocol, received, now, existing);
        if (planned.isEmpty() || existing != null && existing.sameContent(planned.get())) {
            return;
        }
        Optional<StoredResource> current = resources.findForUpdate("CarePlan", carePlanId);
        if (current.map(StoredResource::version).equals(read.map(StoredResource::version))) {
            write(carePlanId, planned.get());
            return;
        }
        StoredPlan written = current.map(this::parseCarePlan).orElse(null);
        plan(condition, facts, patient, protocol, received, now, written)
                .ifPresent(plan -> store(carePlanId, plan, written));
    }

    private static Optional<CarePlan> plan(Condition condition, PatientFacts facts, Reference patient,
            Protocol protocol, Instant received, Instant now, StoredPlan existing) {
        return CarePlanPlanner.plan(protocol, condition, facts.abscessCandidates(), patient,
                facts.medicationRequests(), facts::medication, facts.observations(), received,
                existing == null ? null : existing.plan(), now).carePlan();
    }

    /**
     * True when the diagnosis alone rules a new plan out: not eligible, or already resolved, refuted or an
     * abscess. Medications and observations cannot change that.
     */
    private static boolean cannotApply(Condition condition, Instant received, Protocol protocol, Instant now) {
        PlanInput diagnosisOnly = PlanInput.of(PlanInputMapper.diagnosis(condition, received));
        return !CarePlanPlanner.makesPlan(CarePlanEngine.plan(diagnosisOnly, protocol, now));
    }

    private void revokeForDeletedCondition(StoredResource deletedCondition) {
        String carePlanId = carePlanIdFor(deletedCondition.id());
        Optional<StoredPlan> existing = resources.find("CarePlan", carePlanId).map(this::parseCarePlan);
        if (existing.isEmpty()) {
            return;
        }
        locks.lock(existing.get().plan().getSubject().getReference());
        Optional<StoredPlan> current = resources.findForUpdate("CarePlan", carePlanId).map(this::parseCarePlan);
        if (current.isEmpty()) {
            return;
        }
        CarePlan stored = current.get().plan();
        PlanDecision revoked = new PlanDecision.Revoked("The Condition was deleted", false,
                List.of(PlanNote.warning(NoteCode.DIAGNOSIS_REVOKED,
                        "The diagnosis this plan addressed was deleted: therapy is revoked.")));
        Instant now = clock.instant();
        CarePlanContext planContext = CarePlanContext.of(protocols.active().protocol(), stored.getSubject(),
                new Reference(deletedCondition.versionlessReference()), now).withExisting(stored);
        CarePlanMapper.toCarePlan(revoked, planContext).ifPresent(plan -> {
            plan.setCreatedElement(stored.getCreatedElement().copy());
            store(carePlanId, plan, current.get());
        });
    }

    private void store(String carePlanId, CarePlan plan, StoredPlan existing) {
        if (existing == null || !existing.sameContent(plan)) {
            write(carePlanId, plan);
        }
    }

    /** Stores a plan known to differ from the stored one, under its row lock. */
    private void write(String carePlanId, CarePlan plan) {
        plan.setId(carePlanId);
        resources.update("CarePlan", carePlanId, plan, null);
        metrics.recordPlan(plan.getStatus().toCode());
    }

    /**
     * A stored plan as re-planning needs it: parsed without its narrative, which re-planning never reads and only
     * compares ({@link StoredNarrative}); {@code narrative} is null when it could not be set apart and is parsed.
     */
    private record StoredPlan(CarePlan plan, StoredNarrative narrative) {

        boolean sameContent(CarePlan planned) {
            return narrative == null ? CarePlanPlanner.sameContent(plan, planned)
                    : ResourceContent.same(plan, narrative, planned);
        }
    }

    private StoredPlan parseCarePlan(StoredResource stored) {
        Optional<StoredNarrative> narrative = StoredNarrative.split(stored.json());
        String json = narrative.map(StoredNarrative::json).orElse(stored.json());
        return new StoredPlan(context.newJsonParser().parseResource(CarePlan.class, json), narrative.orElse(null));
    }

    /** Only body temperatures (now, or before this change) can change a plan. */
    private boolean mayBeTemperature(ResourceChange change) {
        var feverCodes = protocols.active().protocol().codes().feverObservation();
        if (change.resource() instanceof Observation observation
                && feverCodes.matchesAny(PlanInputMapper.temperature(observation).codes())) {
            return true;
        }
        return change.kind() != ResourceChange.Kind.CREATE && resources.previousVersion(change.stored())
                .map(previous -> context.newJsonParser().parseResource(Observation.class, previous.json()))
                .map(previous -> feverCodes.matchesAny(PlanInputMapper.temperature(previous).codes()))
                .orElse(false);
    }

    private Optional<String> subjectOf(ResourceChange change) {
        IBaseResource resource = change.resource();
        if (resource == null) {
            resource = resources.previousVersion(change.stored())
                    .map(previous -> context.newJsonParser().parseResource(previous.json()))
                    .orElse(null);
        }
        if (resource instanceof MedicationRequest request) {
            return patientOf(request.getSubject());
        }
        if (resource instanceof Observation observation) {
            return patientOf(observation.getSubject());
        }
        return Optional.empty();
    }

    private Optional<String> patientOf(Reference subject) {
        return planningFacts.patientOf(subject);
    }
}
