#include "core/quant/ste.h"

namespace ql::core::quant {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Sums a broadcast gradient back to the shape of the parameter it belongs to.
torch::Tensor reduceTo(const torch::Tensor &grad, const torch::Tensor &like)
{
    if (!like.defined())
        return {};
    return grad.sum_to_size(like.sizes()).to(like.scalar_type());
}

class LsqFunction : public torch::autograd::Function<LsqFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &s,
                                 const torch::Tensor &beta, bool hasBeta, double n, double p, double gStep,
                                 double gOffset)
    {
        const torch::Tensor shifted = hasBeta ? x - beta : x;
        const torch::Tensor v = shifted / s;
        // torch::round rounds half to even: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2.
        const torch::Tensor q = torch::round(torch::clamp(v, n, p));
        ctx->save_for_backward({v, q, s, hasBeta ? beta : torch::Tensor()});
        ctx->saved_data["n"] = n;
        ctx->saved_data["p"] = p;
        ctx->saved_data["gStep"] = gStep;
        ctx->saved_data["gOffset"] = gOffset;
        ctx->saved_data["hasBeta"] = hasBeta;
        torch::Tensor out = q * s;
        return hasBeta ? out + beta : out;
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &v = saved[0];
        const torch::Tensor &q = saved[1];
        const torch::Tensor &s = saved[2];
        const bool hasBeta = ctx->saved_data["hasBeta"].toBool();
        const double n = ctx->saved_data["n"].toDouble();
        const double p = ctx->saved_data["p"].toDouble();
        const torch::Tensor &grad = gradOutputs[0];
        const torch::Tensor inside = torch::logical_and(v >= n, v <= p).to(grad.scalar_type());
        const torch::Tensor gradX = grad * inside;
        // Inside: round(v) - v; below: n; above: p. Outside q is already n or p.
        const torch::Tensor gradS = reduceTo(grad * (q - v * inside), s) * ctx->saved_data["gStep"].toDouble();
        torch::Tensor gradBeta;
        if (hasBeta)
            gradBeta = reduceTo(grad * (1.0 - inside), saved[3]) * ctx->saved_data["gOffset"].toDouble();
        return {gradX,           gradS,           gradBeta,        torch::Tensor(),
                torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

class GradScaleFunction : public torch::autograd::Function<GradScaleFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, double g)
    {
        ctx->saved_data["g"] = g;
        return x.view_as(x);
    }
    static variable_list backward(AutogradContext *ctx, variable_list gradOutputs)
    {
        return {gradOutputs[0] * ctx->saved_data["g"].toDouble(), torch::Tensor()};
    }
};

class LevelFunction : public torch::autograd::Function<LevelFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &alpha,
                                 const torch::Tensor &magnitudes, bool isSigned, double gAlpha)
    {
        const torch::Tensor u = x / alpha;
        const torch::Tensor c = isSigned ? torch::clamp(u, -1.0, 1.0) : torch::clamp(u, 0.0, 1.0);
        const torch::Tensor mags = magnitudes.to(x.scalar_type());
        const torch::Tensor idx = nearestMagnitudeIndex(c.abs(), mags);
        const torch::Tensor q = torch::sign(c) * mags.index({idx});
        ctx->save_for_backward({u, q, alpha});
        ctx->saved_data["isSigned"] = isSigned;
        ctx->saved_data["gAlpha"] = gAlpha;
        return q * alpha;
    }
    static variable_list backward(AutogradContext *ctx, variable_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &u = saved[0];
        const torch::Tensor &q = saved[1];
        const bool isSigned = ctx->saved_data["isSigned"].toBool();
        const torch::Tensor &grad = gradOutputs[0];
        const torch::Tensor inside = torch::logical_and(u >= (isSigned ? -1.0 : 0.0), u <= 1.0).to(grad.scalar_type());
        const torch::Tensor gradAlpha =
            reduceTo(grad * (q - u * inside), saved[2]) * ctx->saved_data["gAlpha"].toDouble();
        return {grad * inside, gradAlpha, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

class PactFunction : public torch::autograd::Function<PactFunction> {
public:
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &alpha, double k)
    {
        const torch::Tensor y = torch::minimum(torch::clamp_min(x, 0.0), alpha.expand_as(x));
        // Round half to even (torch::round).
        const torch::Tensor out = torch::round(y * k / alpha) * alpha / k;
        ctx->save_for_backward({x, alpha});
        return out;
    }
    static variable_list backward(AutogradContext *ctx, variable_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0];
        const torch::Tensor &alpha = saved[1];
        const torch::Tensor &grad = gradOutputs[0];
        const torch::Tensor inside = torch::logical_and(x >= 0.0, x <= alpha).to(grad.scalar_type());
        const torch::Tensor above = (x > alpha).to(grad.scalar_type());
        return {grad * inside, reduceTo(grad * above, alpha), torch::Tensor()};
    }
};

} // namespace

torch::Tensor lsqQuantize(const torch::Tensor &x, const torch::Tensor &s, const torch::Tensor &beta, double n, double p,
                          double gStep, double gOffset)
{
    // Function::apply rejects undefined inputs, so a missing offset travels as a flag.
    if (!beta.defined())
        return LsqFunction::apply(x, s, torch::zeros({}, x.options()), false, n, p, gStep, gOffset);
    return LsqFunction::apply(x, s, beta, true, n, p, gStep, gOffset);
}

torch::Tensor scaleGradient(const torch::Tensor &x, double g) { return GradScaleFunction::apply(x, g); }

torch::Tensor nearestMagnitudeIndex(const torch::Tensor &absU, const torch::Tensor &magnitudes)
{
    const torch::Tensor mags = magnitudes.to(absU.scalar_type());
    if (mags.numel() == 1)
        return torch::zeros(absU.sizes(), absU.options().dtype(torch::kLong));
    const torch::Tensor mids = (mags.slice(0, 0, -1) + mags.slice(0, 1)) * 0.5;
    // right=false: a value equal to a midpoint gets the lower index, i.e. the smaller magnitude.
    return torch::bucketize(absU.contiguous(), mids, /*out_int32=*/false, /*right=*/false);
}

torch::Tensor levelQuantize(const torch::Tensor &x, const torch::Tensor &alpha, const torch::Tensor &magnitudes,
                            bool isSigned, double gAlpha)
{
    return LevelFunction::apply(x, alpha, magnitudes, isSigned, gAlpha);
}

torch::Tensor pactQuantize(const torch::Tensor &x, const torch::Tensor &alpha, double levelsMinusOne)
{
    return PactFunction::apply(x, alpha, levelsMinusOne);
}

} // namespace ql::core::quant
