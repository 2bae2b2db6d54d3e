package health.ductcare.patch;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.ductcare.fhir.ContentNegotiation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;

/**
 * FHIRPath Patch (R4 fhirpatch.html) over HAPI's FHIRPath engine and runtime model definitions: add, insert,
 * delete, replace and move, each on the one element its path selects. A malformed patch, or a path that
 * selects the wrong number of elements, is a 400; nothing is kept of a patch that fails halfway because the
 * caller patches a copy it throws away.
 */
public final class FhirPathPatcher {

    private final FhirContext context;

    public FhirPathPatcher(FhirContext context) {
        this.context = context;
    }

    public void apply(IBaseResource resource, Parameters patch) {
        List<ParametersParameterComponent> operations = patch.getParameter().stream()
                .filter(p -> "operation".equals(p.getName())).toList();
        if (operations.isEmpty() || operations.size() != patch.getParameter().size()) {
            throw new InvalidRequestException("A FHIRPath Patch is a Parameters resource whose parameters are all"
                    + " named 'operation'");
        }
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = Operation.of(operations.get(i), i);
            try {
                switch (operation.type()) {
                    case "add" -> add(resource, operation);
                    case "insert" -> insert(resource, operation);
                    case "delete" -> delete(resource, operation);
                    case "replace" -> replace(resource, operation);
                    case "move" -> move(resource, operation);
                    default -> throw operation.error("unknown type '" + ContentNegotiation.sanitize(operation.type())
                            + "' (use add, insert, delete, replace or move)");
                }
            } catch (DataFormatException e) {
                throw operation.error("the value does not fit the element: " + cleanMessage(e.getMessage()));
            } catch (InvalidRequestException e) {
                throw e;
            } catch (RuntimeException e) {
                // FHIRPath syntax and evaluation errors come from the HL7 core engine with its own exception types.
                throw operation.error("the path '" + ContentNegotiation.sanitize(operation.path())
                        + "' cannot be evaluated: " + cleanMessage(e.getMessage()));
            }
        }
    }

    private void add(IBaseResource resource, Operation operation) {
        IBase container = single(resource, operation.path(), operation);
        String name = operation.requiredString("name");
        BaseRuntimeChildDefinition child = childOf(container, name, operation);
        IBase value = operation.value(this, child);
        if (child.getMax() == 1 && !child.getAccessor().getValues(container).isEmpty()) {
            throw operation.error("'" + name + "' already has a value: use replace");
        }
        child.getMutator().addValue(container, value);
    }

    private void insert(IBaseResource resource, Operation operation) {
        ListSlot list = list(resource, operation);
        int index = operation.requiredIndex("index");
        List<IBase> values = list.values();
        if (index < 0 || index > values.size()) {
            throw operation.error("index " + index + " is outside 0.." + values.size());
        }
        values.add(index, operation.value(this, list.child()));
        list.replaceAll(values);
    }

    private void delete(IBaseResource resource, Operation operation) {
        List<IBase> targets = evaluate(resource, operation.path());
        if (targets.isEmpty()) {
            return; // fhirpatch.html: deleting what is not there is not an error
        }
        if (targets.size() > 1) {
            throw operation.error("the path selects " + targets.size() + " elements; delete removes exactly one");
        }
        Slot slot = locate(resource, targets.get(0), operation);
        List<IBase> values = new ArrayList<>(slot.child().getAccessor().getValues(slot.parent()));
        values.remove(slot.index());
        new ListSlot(slot.parent(), slot.child()).replaceAll(values);
    }

    private void replace(IBaseResource resource, Operation operation) {
        IBase target = single(resource, operation.path(), operation);
        Slot slot = locate(resource, target, operation);
        IBase value = operation.value(this, slot.child());
        List<IBase> values = new ArrayList<>(slot.child().getAccessor().getValues(slot.parent()));
        values.set(slot.index(), value);
        new ListSlot(slot.parent(), slot.child()).replaceAll(values);
    }

    private void move(IBaseResource resource, Operation operation) {
        ListSlot list = list(resource, operation);
        int source = operation.requiredIndex("source");
        int destination = operation.requiredIndex("destination");
        List<IBase> values = list.values();
        if (source < 0 || source >= values.size() || destination < 0 || destination >= values.size()) {
            throw operation.error("source and destination must lie in 0.." + (values.size() - 1));
        }
        values.add(destination, values.remove(source));
        list.replaceAll(values);
    }

    /** The repeating element a path such as {@code Patient.identifier} names, with its container. */
    private ListSlot list(IBaseResource resource, Operation operation) {
        String path = operation.path();
        int split = lastTopLevelDot(path);
        String name = split < 0 ? "" : path.substring(split + 1);
        if (!name.matches("[a-z][A-Za-z0-9]*")) {
            throw operation.error("the path must end in the name of a list element, like Patient.identifier");
        }
        IBase container = single(resource, path.substring(0, split), operation);
        BaseRuntimeChildDefinition child = childOf(container, name, operation);
        if (child.getMax() == 1) {
            throw operation.error("'" + name + "' is not a list");
        }
        return new ListSlot(container, child);
    }

    private IBase single(IBaseResource resource, String path, Operation operation) {
        List<IBase> found = evaluate(resource, path);
        if (found.size() != 1) {
            throw operation.error("the path '" + ContentNegotiation.sanitize(path) + "' selects " + found.size()
                    + " elements; it must select exactly one");
        }
        return found.get(0);
    }

    private List<IBase> evaluate(IBaseResource resource, String path) {
        return context.newFhirPath().evaluate(resource, path, IBase.class);
    }

    private BaseRuntimeChildDefinition childOf(IBase container, String name, Operation operation) {
        BaseRuntimeElementDefinition<?> definition = context.getElementDefinition(container.getClass());
        if (definition instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
            BaseRuntimeChildDefinition child = composite.getChildByName(name);
            if (child == null) {
                child = composite.getChildByName(name + "[x]");
            }
            if (child != null) {
                return child;
            }
        }
        throw operation.error("'" + ContentNegotiation.sanitize(name) + "' is not an element of "
                + container.fhirType());
    }

    /** Where an element selected by FHIRPath sits: its parent, the child definition and the position. */
    private record Slot(IBase parent, BaseRuntimeChildDefinition child, int index) {
    }

    private Slot locate(IBaseResource resource, IBase target, Operation operation) {
        return find(resource, target).orElseThrow(() -> operation.error(
                "the path selects something that is not an element of the resource"));
    }

    private Optional<Slot> find(IBase parent, IBase target) {
        BaseRuntimeElementDefinition<?> definition = context.getElementDefinition(parent.getClass());
        if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
            return Optional.empty();
        }
        for (BaseRuntimeChildDefinition child : composite.getChildrenAndExtension()) {
            List<? extends IBase> values = child.getAccessor().getValues(parent);
            for (int i = 0; i < values.size(); i++) {
                IBase value = values.get(i);
                if (value == target) {
                    return Optional.of(new Slot(parent, child, i));
                }
                Optional<Slot> nested = find(value, target);
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }

    private record ListSlot(IBase parent, BaseRuntimeChildDefinition child) {

        List<IBase> values() {
            return new ArrayList<>(child.getAccessor().getValues(parent));
        }

        void replaceAll(List<IBase> values) {
            child.getMutator().setValue(parent, null);
            for (IBase value : values) {
                child.getMutator().addValue(parent, value);
            }
        }
    }

    /** A value of the patch made to fit the element it goes into (a code into an enumeration, parts into a type). */
    IBase fit(BaseRuntimeChildDefinition child, ParametersParameterComponent valuePart, Operation operation) {
        if (valuePart.hasValue()) {
            Type value = valuePart.getValue();
            if (child instanceof RuntimeChildChoiceDefinition) {
                if (child.getChildNameByDatatype(value.getClass()) == null) {
                    throw operation.error("a " + value.fhirType() + " cannot go into '" + child.getElementName() + "'");
                }
                return value;
            }
            BaseRuntimeElementDefinition<?> target = child.getChildByName(child.getElementName());
            if (target.getImplementingClass().equals(value.getClass())) {
                return value;
            }
            if (value instanceof IPrimitiveType<?> primitive
                    && target.getChildType() == BaseRuntimeElementDefinition.ChildTypeEnum.PRIMITIVE_DATATYPE) {
                IBase converted = target.newInstance(child.getInstanceConstructorArguments());
                ((IPrimitiveType<?>) converted).setValueAsString(primitive.getValueAsString());
                return converted;
            }
            throw operation.error("a " + value.fhirType() + " cannot go into '" + child.getElementName() + "' ("
                    + target.getName() + ")");
        }
        if (valuePart.hasPart()) {
            if (child instanceof RuntimeChildChoiceDefinition) {
                throw operation.error("give '" + child.getElementName() + "' as a typed value, not as parts");
            }
            BaseRuntimeElementDefinition<?> target = child.getChildByName(child.getElementName());
            IBase built = target.newInstance(child.getInstanceConstructorArguments());
            for (ParametersParameterComponent part : valuePart.getPart()) {
                BaseRuntimeChildDefinition grandChild = childOf(built, part.getName(), operation);
                IBase partValue = fit(grandChild, part, operation);
                if (grandChild.getMax() == 1 && !grandChild.getAccessor().getValues(built).isEmpty()) {
                    throw operation.error("'" + part.getName() + "' is given twice");
                }
                grandChild.getMutator().addValue(built, partValue);
            }
            return built;
        }
        throw operation.error("the value is missing");
    }

    private static int lastTopLevelDot(String path) {
        int depth = 0;
        for (int i = path.length() - 1; i >= 0; i--) {
            char c = path.charAt(i);
            if (c == ')' || c == ']') {
                depth++;
            } else if (c == '(' || c == '[') {
                depth--;
            } else if (c == '.' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The engine's message without HAPI's code or the wrapped exception's class name. */
    private static String cleanMessage(String message) {
        return message == null ? "" : ContentNegotiation.sanitize(message.replaceFirst("^HAPI-\\d+: ", "")
                .replaceFirst("^([a-z][\\w]*\\.)+[\\w$]+(Exception|Error): ", ""));
    }

    /** One {@code operation} parameter with its parts by name. */
    record Operation(ParametersParameterComponent parameter, int index, String type, String path) {

        static Operation of(ParametersParameterComponent parameter, int index) {
            String type = stringPart(parameter, "type");
            String path = stringPart(parameter, "path");
            Operation operation = new Operation(parameter, index, type == null ? "" : type.toLowerCase(Locale.ROOT),
                    path);
            if (type == null) {
                throw operation.error("the 'type' part is missing");
            }
            if (path == null || path.isBlank()) {
                throw operation.error("the 'path' part is missing");
            }
            return operation;
        }

        String requiredString(String name) {
            String value = stringPart(parameter, name);
            if (value == null || value.isBlank()) {
                throw error("the '" + name + "' part is missing");
            }
            return value;
        }

        int requiredIndex(String name) {
            ParametersParameterComponent part = part(parameter, name);
            if (part == null || !(part.getValue() instanceof IntegerType integer) || integer.getValue() == null) {
                throw error("the '" + name + "' part must be an integer");
            }
            return integer.getValue();
        }

        IBase value(FhirPathPatcher patcher, BaseRuntimeChildDefinition child) {
            ParametersParameterComponent value = part(parameter, "value");
            if (value == null) {
                throw error("the 'value' part is missing");
            }
            return patcher.fit(child, value, this);
        }

        InvalidRequestException error(String message) {
            return new InvalidRequestException("FHIRPath Patch operation " + (index + 1) + " (" + type + "): "
                    + message);
        }

        private static ParametersParameterComponent part(ParametersParameterComponent parameter, String name) {
            return parameter.getPart().stream().filter(p -> name.equals(p.getName())).findFirst().orElse(null);
        }

        private static String stringPart(ParametersParameterComponent parameter, String name) {
            ParametersParameterComponent part = part(parameter, name);
            return part != null && part.getValue() instanceof IPrimitiveType<?> primitive
                    ? primitive.getValueAsString() : null;
        }
    }
}
