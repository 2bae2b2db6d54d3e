package health.ductcare.service;

import health.ductcare.engine.Protocol;
import health.ductcare.fhir.ServerBase;
import health.ductcare.store.StoredResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The facts one patient's plans are made from: her Conditions (for the abscess that stops therapy), her
 * MedicationRequests (antibiotics), her Observations (temperatures) and the Medications those requests name. Made
 * by {@link PlanningFactsLoader}, the one place that reads them from the store, for the stored plans and for
 * {@code $generate} and {@code $apply} alike.
 *
 * <p>Each kind is read on first use and then kept, so a caller reads only what it needs, when it needs it (the
 * stored-plan lifecycle reads the antibiotics and temperatures only after taking the patient's lock, and only when
 * some Condition is to be planned). Lists are in the store's order (oldest first), which decides ties (of two
 * antibiotics started at the same time the first counts) and the order of the notes.
 *
 * <p><b>Resources given inline</b> (an operation's {@code data} Bundle or {@code resource} parts) are merged on top
 * of the stored ones in one way: an inline resource whose subject is not this patient is ignored; one with the type
 * and id of a stored resource takes that resource's place (a preview of it changed so); any other is added after
 * the stored ones, in the order given. A Medication given inline is found before a stored one.
 */
public final class PatientFacts {

    private final PlanningFactsLoader loader;
    private final String subject;
    private final boolean stored;
    private final PlanningFactsLoader.Reader reader;
    private final Protocol protocol;
    private final Inline inline;

    private List<Condition> conditions;
    private List<Condition> abscessCandidates;
    private List<MedicationRequest> medicationRequests;
    private List<Observation> observations;
    private final Map<String, Optional<Medication>> medications = new HashMap<>();

    PatientFacts(PlanningFactsLoader loader, String subject, boolean stored, PlanningFactsLoader.Reader reader,
            Protocol protocol, Inline inline, String base) {
        this.loader = loader;
        this.subject = subject;
        this.stored = stored;
        this.reader = reader;
        this.protocol = protocol;
        this.inline = inline.about(subject, base);
    }

    /** Resources an operation was given, before they are merged with the stored ones. */
    public record Inline(List<Condition> conditions, List<MedicationRequest> medicationRequests,
            List<Observation> observations, Function<String, Medication> medications) {

        public static final Inline NONE = new Inline(List.of(), List.of(), List.of(), reference -> null);

        public Inline {
            conditions = List.copyOf(conditions);
            medicationRequests = List.copyOf(medicationRequests);
            observations = List.copyOf(observations);
            medications = medications == null ? reference -> null : medications;
        }

        /**
         * Only the resources about {@code subject}: an order or a temperature of another patient is no input. A
         * subject without a reference (an identifier only) keeps them all. {@code base} is this server's own.
         */
        Inline about(String subject, String base) {
            if (subject == null) {
                return this;
            }
            return new Inline(
                    conditions.stream().filter(c -> sameTarget(subject, c.getSubject().getReference(), base))
                            .toList(),
                    medicationRequests.stream().filter(m -> sameTarget(subject, m.getSubject().getReference(), base))
                            .toList(),
                    observations.stream().filter(o -> sameTarget(subject, o.getSubject().getReference(), base))
                            .toList(),
                    medications);
        }
    }

    /**
     * The patient the facts are about: {@code Patient/<id>} for a stored patient, else the subject reference the
     * planned Condition gives (inline facts only).
     */
    public String subject() {
        return subject;
    }

    /** Every Condition of the patient. */
    public List<Condition> conditions() {
        if (conditions == null) {
            conditions = merged("Condition", Condition.class, stored -> true, inline.conditions());
        }
        return conditions;
    }

    /**
     * The Conditions that may be abscesses, which are all a plan needs of the patient's other Conditions: those
     * whose stored JSON holds the text of an abscess code (the others are not parsed), and every Condition given
     * inline. All of them once {@link #conditions()} has been read.
     */
    public List<Condition> abscessCandidates() {
        if (conditions != null) {
            return conditions;
        }
        if (abscessCandidates == null) {
            abscessCandidates = merged("Condition", Condition.class,
                    PlanningFactsLoader.mayBeAbscess(protocol), inline.conditions());
        }
        return abscessCandidates;
    }

    public List<MedicationRequest> medicationRequests() {
        if (medicationRequests == null) {
            medicationRequests = merged("MedicationRequest", MedicationRequest.class, stored -> true,
                    inline.medicationRequests());
        }
        return medicationRequests;
    }

    public List<Observation> observations() {
        if (observations == null) {
            observations = merged("Observation", Observation.class, stored -> true, inline.observations());
        }
        return observations;
    }

    /** A Medication named by a MedicationRequest's {@code medicationReference}: given inline, else stored; or null. */
    public Medication medication(String reference) {
        Medication given = inline.medications().apply(reference);
        if (given != null || !stored) {
            return given;
        }
        return medications.computeIfAbsent(reference, r -> Optional.ofNullable(loader.storedMedication(r, reader)))
                .orElse(null);
    }

    /**
     * The stored resources of {@code type} whose subject is the patient, in the store's order, with the inline ones
     * merged on top (see the class comment). {@code parse} says which stored ones are worth parsing at all.
     */
    private <T extends Resource> List<T> merged(String type, Class<T> kind, Predicate<StoredResource> parse,
            List<T> given) {
        Map<String, T> givenById = new HashMap<>();
        for (T resource : given) {
            String id = resource.getIdElement().getIdPart();
            if (id != null) {
                givenById.putIfAbsent(id, resource);
            }
        }
        List<T> facts = new ArrayList<>();
        Set<T> placed = Collections.newSetFromMap(new IdentityHashMap<>());
        if (stored) {
            for (StoredResource row : loader.storedOf(type, subject)) {
                T replacement = givenById.get(row.id());
                if (replacement != null) {
                    if (placed.add(replacement)) {
                        facts.add(replacement);
                    }
                } else if (parse.test(row)) {
                    loader.parse(row, kind, reader).ifPresent(facts::add);
                }
            }
        }
        for (T resource : given) {
            if (!placed.contains(resource)) {
                facts.add(resource);
            }
        }
        return facts;
    }

    /**
     * Whether two references name the same resource: equal, or both a resource of this server (relative, versioned,
     * or absolute under this server's {@code base}) with the same type and id, so that {@code Patient/1},
     * {@code Patient/1/_history/2} and {@code <base>/Patient/1} are one patient. An absolute URL of another server
     * names that server's resource, never ours.
     */
    static boolean sameTarget(String a, String b, String base) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a.equals(b)) {
            return true;
        }
        String first = ServerBase.local(a, base);
        return first != null && first.equals(ServerBase.local(b, base));
    }

    /**
     * {@code Patient/<id>} for a reference to a Patient of this server (relative, versioned, or absolute under this
     * server's {@code base}); empty otherwise, also for another server's {@code .../Patient/<id>}.
     */
    public static Optional<String> patientOf(Reference subject, String base) {
        if (subject == null || !subject.hasReference()) {
            return Optional.empty();
        }
        String local = ServerBase.local(subject.getReference(), base);
        return local != null && local.startsWith("Patient/") ? Optional.of(local) : Optional.empty();
    }
}
