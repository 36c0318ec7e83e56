import MetagovGRPC
import MetagovProto
import MetagovProtoGRPC
import MetagovProtoJSON

/// `grpc.reflection.v1.ServerReflection`.
struct ReflectionV1Service: Grpc_Reflection_V1_ServerReflectionService {
    let index: ReflectionIndex
    let access: CallGuard

    func serverReflectionInfo(
        _ requests: ProtoMessageStream<Grpc_Reflection_V1_ServerReflectionRequest>,
        responses: ProtoStreamWriter<Grpc_Reflection_V1_ServerReflectionResponse>, context: ServerCallContext
    ) async throws {
        try await self.access.refuseBadCredentials(context)
        for try await request in requests {
            let answer: ReflectionAnswer
            switch request.messageRequest {
            case .fileByFilename(let name)?: answer = self.index.fileByName(name)
            case .fileContainingSymbol(let symbol)?: answer = self.index.fileContainingSymbol(symbol)
            case .fileContainingExtension(let query)?: answer = self.index.extensionQuery(query.containingType)
            case .allExtensionNumbersOfType(let type)?: answer = self.index.extensionQuery(type)
            case .listServices?: answer = self.index.listServices()
            case nil: answer = .error(code: 3, message: "the request sets no message_request")
            }
            var response = Grpc_Reflection_V1_ServerReflectionResponse(validHost: request.host, originalRequest: request)
            switch answer {
            case .files(let files): response.messageResponse = .fileDescriptorResponse(.init(fileDescriptorProto: files))
            case .services(let names): response.messageResponse = .listServicesResponse(.init(service: names.map { .init(name: $0) }))
            case .error(let code, let message): response.messageResponse = .errorResponse(.init(errorCode: code, errorMessage: message))
            }
            try await responses.write(response)
        }
    }
}

/// `grpc.reflection.v1alpha.ServerReflection`, which many tools (grpcurl, grpcio-reflection's client) still use.
struct ReflectionV1AlphaService: Grpc_Reflection_V1alpha_ServerReflectionService {
    let index: ReflectionIndex
    let access: CallGuard

    func serverReflectionInfo(
        _ requests: ProtoMessageStream<Grpc_Reflection_V1alpha_ServerReflectionRequest>,
        responses: ProtoStreamWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>, context: ServerCallContext
    ) async throws {
        try await self.access.refuseBadCredentials(context)
        for try await request in requests {
            let answer: ReflectionAnswer
            switch request.messageRequest {
            case .fileByFilename(let name)?: answer = self.index.fileByName(name)
            case .fileContainingSymbol(let symbol)?: answer = self.index.fileContainingSymbol(symbol)
            case .fileContainingExtension(let query)?: answer = self.index.extensionQuery(query.containingType)
            case .allExtensionNumbersOfType(let type)?: answer = self.index.extensionQuery(type)
            case .listServices?: answer = self.index.listServices()
            case nil: answer = .error(code: 3, message: "the request sets no message_request")
            }
            var response = Grpc_Reflection_V1alpha_ServerReflectionResponse(validHost: request.host, originalRequest: request)
            switch answer {
            case .files(let files): response.messageResponse = .fileDescriptorResponse(.init(fileDescriptorProto: files))
            case .services(let names): response.messageResponse = .listServicesResponse(.init(service: names.map { .init(name: $0) }))
            case .error(let code, let message): response.messageResponse = .errorResponse(.init(errorCode: code, errorMessage: message))
            }
            try await responses.write(response)
        }
    }
}
