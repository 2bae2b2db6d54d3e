package health.ductcare.search;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import health.ductcare.fhir.ServerBase;
import health.ductcare.support.Lazy;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The R4 search parameters HAPI ships for every resource type, with their FHIRPath expressions parsed once.
 * Index extraction and query building both read from here, so what is indexed is what can be searched.
 */
@Singleton
public class SearchParameters {

    /** Parameter types that have an index table. */
    static final Set<RestSearchParameterTypeEnum> INDEXED = Set.of(RestSearchParameterTypeEnum.TOKEN,
            RestSearchParameterTypeEnum.STRING, RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.REFERENCE,
            RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.NUMBER, RestSearchParameterTypeEnum.URI);

    /** Parameters served from the resource table itself, not from an index table. */
    static final Set<String> RESOURCE_COLUMNS = Set.of("_id", "_lastUpdated");

    /** R4's boolean-valued FHIRPath form: {@code Patient.deceased.exists() and Patient.deceased != false}. */
    private static final Pattern EXISTS_AND_NOT_FALSE = Pattern.compile("(\\S+)\\.exists\\(\\) and \\1 != false");

    /**
     * One searchable parameter of one type. {@code expression} is null for the resource-table parameters and for
     * those without a FHIRPath expression for the type (they are then unsupported). {@code booleanValued}: a token
     * parameter whose every path is a boolean ({@code Patient.active}), so its only values are true and false.
     */
    public record Param(String name, RestSearchParameterTypeEnum type, String uri, String description,
            Expression expression, Set<String> targets, Set<String> compartments, boolean booleanValued) {

        public boolean indexed() {
            return expression != null && INDEXED.contains(type);
        }

        public boolean inPatientCompartment() {
            return compartments.contains("Patient");
        }
    }

    /**
     * A parameter's FHIRPath expression, parsed on first use: the CapabilityStatement needs only the names, and
     * parsing all ~2,000 of them took the first {@code /fhir/metadata} two seconds. {@code
     * SearchParametersParseTest} checks that every one parses, so listing a parameter before parsing it is safe.
     */
    public static final class Expression {

        private final SearchParameters owner;
        private final String text;
        private volatile IFhirPath.IParsedExpression parsed;

        Expression(SearchParameters owner, String text) {
            this.owner = owner;
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The parsed expression; throws when HAPI's FHIRPath engine cannot parse it. */
        public IFhirPath.IParsedExpression parsed() {
            IFhirPath.IParsedExpression result = parsed;
            if (result == null) {
                try {
                    result = owner.fhirPath().parse(text);
                } catch (Exception e) {
                    throw new IllegalStateException("Unparseable search parameter expression: " + text, e);
                }
                parsed = result;
            }
            return result;
        }
    }

    /** All parameters of a type by name; {@code indexed} are those that get index rows. */
    public record TypeParams(Map<String, Param> all, List<Param> indexed, List<Param> patientCompartment) {
    }

    private final FhirContext context;
    private final Lazy<IFhirPath> fhirPath = Lazy.of(this::newFhirPath);
    private final Map<String, TypeParams> byType = new ConcurrentHashMap<>();

    public SearchParameters(FhirContext context) {
        this.context = context;
    }

    /**
     * HAPI's R4 FHIRPath engine, built on first use: building it parses every base StructureDefinition (about
     * 1.3 s), which would otherwise hold up start-up before the server listens.
     */
    IFhirPath fhirPath() {
        return fhirPath.get();
    }

    /**
     * Builds the FHIRPath engine now, if nobody has yet. Building it loads HAPI's base R4 StructureDefinitions,
     * which the validator shares; HAPI loads them without a lock, so two threads that get there first together
     * each parse and keep a copy (60 MB more live heap, and the full collections that come with it).
     * {@code StartupWarmUp} calls this before it starts the validator warm-up and the protocol publisher.
     */
    public void prepareFhirPath() {
        fhirPath();
    }

    private IFhirPath newFhirPath() {
        IFhirPath engine = context.newFhirPath();
        // resolve() in expressions like "Condition.subject.where(resolve() is Patient)" only needs the type
        // of the target, which the reference itself names: answer with an empty resource of that type.
        engine.setEvaluationContext(new IFhirPathEvaluationContext() {
            @Override
            public IBase resolveReference(IIdType reference, IBase referenceContext) {
                String targetType = reference == null ? null : reference.getResourceType();
                boolean parsed = targetType != null && context.getResourceTypes().contains(targetType);
                if (!parsed && reference != null) {
                    // A URL HAPI does not split (a scheme in capitals, a base with a trailing slash): its type.
                    targetType = ServerBase.targetType(reference.getValue());
                }
                if (targetType == null || !context.getResourceTypes().contains(targetType)) {
                    return null;
                }
                IBaseResource target = context.getResourceDefinition(targetType).newInstance();
                if (parsed) {
                    target.setId(reference.toUnqualifiedVersionless());
                }
                return target;
            }
        });
        return engine;
    }

    /**
     * Parses every type's expressions (about 2,000 of them, a few seconds), so the first write of a type does not
     * pay for it. {@code StartupWarmUp} calls it in the background once the CapabilityStatement is ready.
     */
    public void parseAllExpressions() {
        context.getResourceTypes().forEach(type -> of(type).indexed().forEach(param -> param.expression().parsed()));
    }

    public TypeParams of(String type) {
        return byType.computeIfAbsent(type, this::load);
    }

    public Optional<Param> find(String type, String name) {
        return Optional.ofNullable(of(type).all().get(name));
    }

    public Collection<Param> all(String type) {
        return of(type).all().values();
    }

    private TypeParams load(String type) {
        RuntimeResourceDefinition definition = context.getResourceDefinition(type);
        Map<String, Param> all = new LinkedHashMap<>();
        all.put("_id", new Param("_id", RestSearchParameterTypeEnum.TOKEN,
                "http://hl7.org/fhir/SearchParameter/Resource-id", "Logical id of this artifact", null, Set.of(),
                Set.of(), false));
        all.put("_lastUpdated", new Param("_lastUpdated", RestSearchParameterTypeEnum.DATE,
                "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", "When the resource version last changed",
                null, Set.of(), Set.of(), false));
        for (RuntimeSearchParam parameter : definition.getSearchParams()) {
            String name = parameter.getName();
            if (RESOURCE_COLUMNS.contains(name)) {
                continue;
            }
            Expression expression = INDEXED.contains(parameter.getParamType()) ? expression(type, parameter) : null;
            boolean booleanValued = parameter.getParamType() == RestSearchParameterTypeEnum.TOKEN
                    && booleanValued(definition, parameter.getPathsSplitForResourceType(type));
            all.put(name, new Param(name, parameter.getParamType(), parameter.getUri(), parameter.getDescription(),
                    expression, parameter.getTargets() == null ? Set.of() : Set.copyOf(parameter.getTargets()),
                    parameter.getProvidesMembershipInCompartments() == null ? Set.of()
                            : Set.copyOf(parameter.getProvidesMembershipInCompartments()), booleanValued));
        }
        List<Param> indexed = all.values().stream().filter(Param::indexed).toList();
        List<Param> compartment = indexed.stream()
                .filter(p -> p.type() == RestSearchParameterTypeEnum.REFERENCE && p.inPatientCompartment())
                .toList();
        return new TypeParams(java.util.Collections.unmodifiableMap(all), indexed, compartment);
    }

    private Expression expression(String type, RuntimeSearchParam parameter) {
        List<String> paths = parameter.getPathsSplitForResourceType(type);
        if (paths == null || paths.isEmpty()) {
            return null;
        }
        return new Expression(this, String.join(" | ", paths));
    }

    /** True when every path is a boolean element or R4's boolean {@code exists() and != false} form. */
    static boolean booleanValued(RuntimeResourceDefinition definition, List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            return false;
        }
        for (String path : paths) {
            String trimmed = path.trim();
            if (!EXISTS_AND_NOT_FALSE.matcher(trimmed).matches() && !"boolean".equals(elementType(definition, trimmed))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The datatype a plain path ({@code Group.characteristic.exclude}) ends at, from HAPI's model; null for a path
     * with functions, casts or a choice element, whose type the model alone does not give.
     */
    private static String elementType(RuntimeResourceDefinition definition, String path) {
        String[] segments = path.split("\\.");
        if (!segments[0].equals(definition.getName())) {
            return null;
        }
        BaseRuntimeElementDefinition<?> current = definition;
        for (int i = 1; i < segments.length; i++) {
            if (!(current instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
                return null;
            }
            BaseRuntimeChildDefinition child = composite.getChildByName(segments[i]);
            if (child == null || child instanceof RuntimeChildChoiceDefinition) {
                return null;
            }
            current = child.getChildByName(segments[i]);
            if (current == null) {
                return null;
            }
        }
        return current.getName();
    }
}
