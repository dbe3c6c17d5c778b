package dev.berth.cri.v1;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a compiled proto file as the sorted, tab-separated listing of
 * wire-relevant facts that {@code shared/cri-api/wire-contract.tsv} holds: the
 * names, numbers, labels and types that decide wire and method-path
 * compatibility, and nothing else (no comments, options or declaration order).
 */
final class WireListing {

  private WireListing() {}

  static List<String> of(FileDescriptor file) {
    List<String> lines = new ArrayList<>();
    for (ServiceDescriptor service : file.getServices()) {
      lines.add(line("service", dotted(service.getFullName())));
      for (MethodDescriptor method : service.getMethods()) {
        lines.add(line("rpc", dotted(method.getFullName()),
            dotted(method.getInputType().getFullName()),
            dotted(method.getOutputType().getFullName()),
            streaming(method)));
      }
    }
    for (Descriptor message : file.getMessageTypes()) {
      addMessage(message, lines);
    }
    for (EnumDescriptor e : file.getEnumTypes()) {
      addEnum(e, lines);
    }
    lines.sort(null);
    return lines;
  }

  private static void addMessage(Descriptor message, List<String> lines) {
    if (message.getOptions().getMapEntry()) {
      lines.add(line("mapentry", dotted(message.getFullName()),
          "key:" + typeOf(message.findFieldByNumber(1)),
          "value:" + typeOf(message.findFieldByNumber(2))));
      return;
    }
    lines.add(line("message", dotted(message.getFullName())));
    for (FieldDescriptor field : message.getFields()) {
      OneofDescriptor oneof = field.getContainingOneof();
      lines.add(line("field", dotted(field.getFullName()),
          Integer.toString(field.getNumber()),
          field.isRepeated() ? "repeated" : "optional",
          typeKeyword(field),
          typeName(field),
          // Synthetic oneofs of proto3 `optional` count too: they change field presence.
          oneof == null ? "" : oneof.getName()));
    }
    for (Descriptor nested : message.getNestedTypes()) {
      addMessage(nested, lines);
    }
    for (EnumDescriptor e : message.getEnumTypes()) {
      addEnum(e, lines);
    }
  }

  private static void addEnum(EnumDescriptor e, List<String> lines) {
    lines.add(line("enum", dotted(e.getFullName())));
    for (EnumValueDescriptor value : e.getValues()) {
      // Enum values are scoped beside their enum in protobuf; the listing names them under it.
      lines.add(line("value", dotted(e.getFullName() + "." + value.getName()),
          Integer.toString(value.getNumber())));
    }
  }

  private static String streaming(MethodDescriptor method) {
    if (method.isClientStreaming() && method.isServerStreaming()) {
      return "bidi_streaming";
    }
    if (method.isClientStreaming()) {
      return "client_streaming";
    }
    return method.isServerStreaming() ? "server_streaming" : "unary";
  }

  private static String typeOf(FieldDescriptor field) {
    String name = typeName(field);
    return name.isEmpty() ? typeKeyword(field) : typeKeyword(field) + ":" + name;
  }

  private static String typeKeyword(FieldDescriptor field) {
    return field.getType().name().toLowerCase(Locale.ROOT);
  }

  private static String typeName(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case MESSAGE -> dotted(field.getMessageType().getFullName());
      case ENUM -> dotted(field.getEnumType().getFullName());
      default -> "";
    };
  }

  private static String dotted(String fullName) {
    return "." + fullName;
  }

  private static String line(String... columns) {
    return String.join("\t", columns);
  }
}
