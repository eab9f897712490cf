using System.Linq.Expressions;
using System.Text.Json;
using PgAllInOne.Runtime.Messaging;
using System.Reflection;
using PgAllInOne.Runtime.Serialization;

namespace PgAllInOne.Runtime.Invocation;

/// <summary>
/// Everything the runtime needs to know about one grain interface method, computed once: how to call it on an
/// activation, whether it is read-only, which arguments cross the copy boundary, and what its activity is called.
/// </summary>
public abstract class GrainMethod
{
    private readonly bool[] copyArgument;

    private protected GrainMethod(MethodInfo method, GrainClassInfo grainClass, ReturnKind returnKind)
    {
        Method = method;
        GrainClass = grainClass;
        ReturnKind = returnKind;
        InterfaceName = method.DeclaringType!.Name;
        ActivityName = $"{InterfaceName}/{method.Name}";
        Key = $"{method.DeclaringType!.FullName}.{method.Name}({string.Join(",", method.GetParameters().Select(p => p.ParameterType.FullName))})";
        ParameterTypes = method.GetParameters().Select(p => p.ParameterType).ToArray();
        IsReadOnly = method.IsDefined(typeof(ReadOnlyAttribute), inherit: false);
        var parameters = method.GetParameters();
        copyArgument = new bool[parameters.Length];
        CancellationTokenIndex = -1;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType.IsByRef)
            {
                throw new InvalidOperationException($"Grain method {ActivityName} has a by-reference parameter '{parameter.Name}'; grain calls pass values only.");
            }

            if (parameter.ParameterType == typeof(CancellationToken))
            {
                CancellationTokenIndex = i;
            }

            copyArgument[i] = !DeepCopier.IsAlwaysImmutable(parameter.ParameterType)
                && !parameter.IsDefined(typeof(ImmutableAttribute), inherit: false);
        }
    }

    public MethodInfo Method { get; }

    public GrainClassInfo GrainClass { get; }

    public string InterfaceName { get; }

    /// <summary>"{Interface}/{Method}", the name of the call's Activity and its metric tag.</summary>
    public string ActivityName { get; }

    /// <summary>Names the method on the wire: interface, method and parameter types, the same in every process.</summary>
    public string Key { get; }

    internal Type[] ParameterTypes { get; }

    public bool IsReadOnly { get; }

    public int CancellationTokenIndex { get; }

    internal ReturnKind ReturnKind { get; }

    internal void CopyArguments(object?[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            if (copyArgument[i])
            {
                arguments[i] = DeepCopier.CopyObject(arguments[i], ParameterTypes[i]);
            }
        }
    }

    internal CancellationToken GetCancellationToken(object?[] arguments) =>
        CancellationTokenIndex >= 0 && arguments[CancellationTokenIndex] is CancellationToken token ? token : CancellationToken.None;

    /// <summary>Issues the call through the dispatcher and shapes the result as the interface method returns it.</summary>
    internal abstract object Call(IGrainCallDispatcher dispatcher, GrainId target, object?[] arguments);

    /// <summary>Runs a call that arrived from another process through the local dispatcher and answers it.</summary>
    internal abstract Task<GrainResponse> InvokeFromWireAsync(IGrainCallDispatcher dispatcher, GrainRequest request);

    /// <summary>Turns the arguments of a call into their wire form (a cancellation token travels as its deadline).</summary>
    internal JsonElement[] SerializeArguments(object?[] arguments)
    {
        var serialized = new JsonElement[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            serialized[i] = i == CancellationTokenIndex
                ? default
                : JsonSerializer.SerializeToElement(arguments[i], ParameterTypes[i], DeepCopier.Options);
        }

        return serialized;
    }

    private protected object?[] DeserializeArguments(GrainRequest request)
    {
        if (request.Arguments.Count != ParameterTypes.Length)
        {
            throw new ArgumentException($"{ActivityName} takes {ParameterTypes.Length} arguments; the request carried {request.Arguments.Count}.");
        }

        var arguments = new object?[ParameterTypes.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = i == CancellationTokenIndex
                ? CancellationToken.None
                : request.Arguments[i].ValueKind == JsonValueKind.Undefined ? null : request.Arguments[i].Deserialize(ParameterTypes[i], DeepCopier.Options);
        }

        return arguments;
    }

    internal static GrainMethod Create(MethodInfo method, GrainClassInfo grainClass)
    {
        var returnType = method.ReturnType;
        (ReturnKind kind, Type resultType) = returnType switch
        {
            _ when returnType == typeof(Task) => (ReturnKind.Task, typeof(VoidResult)),
            _ when returnType == typeof(ValueTask) => (ReturnKind.ValueTask, typeof(VoidResult)),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(Task<>) => (ReturnKind.TaskOfT, returnType.GetGenericArguments()[0]),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(ValueTask<>) => (ReturnKind.ValueTaskOfT, returnType.GetGenericArguments()[0]),
            _ => throw new InvalidOperationException(
                $"Grain method {method.DeclaringType!.Name}/{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>."),
        };

        var methodType = typeof(GrainMethod<>).MakeGenericType(resultType);
        return (GrainMethod)Activator.CreateInstance(methodType, BindingFlags.Instance | BindingFlags.NonPublic, binder: null, [method, grainClass, kind], culture: null)!;
    }

    /// <summary>Compiles <c>(grain, args) => Adapt(((TInterface)grain).Method((T0)args[0], ...))</c>.</summary>
    private protected static Func<object, object?[], Task<TResult>> CompileInvoker<TResult>(MethodInfo method, ReturnKind kind)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        call = kind switch
        {
            ReturnKind.TaskOfT => call,
            ReturnKind.Task => Expression.Call(typeof(ResultAdapters).GetMethod(nameof(ResultAdapters.FromTask))!, call),
            ReturnKind.ValueTask => Expression.Call(typeof(ResultAdapters).GetMethod(nameof(ResultAdapters.FromValueTask))!, call),
            ReturnKind.ValueTaskOfT => Expression.Call(typeof(ResultAdapters).GetMethod(nameof(ResultAdapters.FromValueTaskOfT))!.MakeGenericMethod(typeof(TResult)), call),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return Expression.Lambda<Func<object, object?[], Task<TResult>>>(call, grain, arguments).Compile();
    }
}

/// <summary>A grain method whose awaited result is <typeparamref name="TResult"/> (<see cref="VoidResult"/> for none).</summary>
public sealed class GrainMethod<TResult> : GrainMethod
{
    private readonly Func<object, object?[], Task<TResult>> invoker;
    private readonly bool copyResult;

    internal GrainMethod(MethodInfo method, GrainClassInfo grainClass, ReturnKind returnKind)
        : base(method, grainClass, returnKind)
    {
        invoker = CompileInvoker<TResult>(method, returnKind);
        copyResult = !DeepCopier.IsAlwaysImmutable(typeof(TResult));
    }

    internal Task<TResult> InvokeOn(object grain, object?[] arguments) => invoker(grain, arguments);

    internal TResult CopyResult(TResult result) => copyResult ? DeepCopier.Copy(result) : result;

    internal override async Task<GrainResponse> InvokeFromWireAsync(IGrainCallDispatcher dispatcher, GrainRequest request)
    {
        try
        {
            var result = await dispatcher.InvokeAsync(request.Target, this, DeserializeArguments(request), forwarded: request.Hops > 0);
            return new GrainResponse(typeof(TResult) == typeof(VoidResult) ? null : JsonSerializer.SerializeToElement(result, DeepCopier.Options));
        }
        catch (Exception exception)
        {
            return GrainResponse.Failure(exception);
        }
    }

    /// <summary>Reads an answer from the wire: the result, or the remote exception rethrown as close to its type as possible.</summary>
    internal static TResult ReadResponse(GrainResponse response)
    {
        if (response.IsError)
        {
            throw RemoteExceptions.Recreate(response.ErrorType!, response.ErrorMessage ?? "");
        }

        return response.Result is { ValueKind: not JsonValueKind.Undefined } result
            ? result.Deserialize<TResult>(DeepCopier.Options)!
            : default!;
    }

    internal override object Call(IGrainCallDispatcher dispatcher, GrainId target, object?[] arguments)
    {
        var task = dispatcher.InvokeAsync(target, this, arguments, forwarded: false);
        return ReturnKind switch
        {
            ReturnKind.ValueTask => new ValueTask(task),
            ReturnKind.ValueTaskOfT => new ValueTask<TResult>(task),
            _ => task,
        };
    }
}

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

internal static class ResultAdapters
{
    private static readonly Task<VoidResult> Completed = Task.FromResult(default(VoidResult));

    public static Task<VoidResult> FromTask(Task task) => task.IsCompletedSuccessfully ? Completed : AwaitTask(task);

    public static Task<VoidResult> FromValueTask(ValueTask task) => task.IsCompletedSuccessfully ? Completed : FromTask(task.AsTask());

    public static Task<T> FromValueTaskOfT<T>(ValueTask<T> task) => task.AsTask();

    private static async Task<VoidResult> AwaitTask(Task task)
    {
        await task.ConfigureAwait(false);
        return default;
    }
}
