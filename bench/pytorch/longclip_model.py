"""Long-CLIP (ViT image tower) as the official code builds it, for the benchmark only.

The layers are those of OpenAI CLIP's `model.py` as Long-CLIP's `model_longclip.py` modifies it:
pre-LayerNorm residual blocks around `nn.MultiheadAttention` (sequence-first), QuickGELU MLPs, a
LayerNorm that computes in float32, a 248-token text context whose positions come from
`positional_embedding` for rows 0..19 and from `positional_embedding_res` for rows 20.., a causal
mask, pooling at the argmax of the token ids (the end-of-text token). State-dict keys are the
official ones, so `torch.save(model.state_dict())` is an official-format checkpoint.

Written for this benchmark from the published architecture; the official repository is not a
dependency.
"""
from collections import OrderedDict
import math

import torch
from torch import nn

CONTEXT = 248
#: Long-CLIP keeps CLIP's first 20 positions fixed and stretches the rest (`positional_embedding_res`).
KEEP_POSITIONS = 20

SHAPES = {
    'B': dict(embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768, vision_patch_size=16,
              context_length=CONTEXT, vocab_size=49408, transformer_width=512, transformer_layers=12),
    'L': dict(embed_dim=768, image_resolution=224, vision_layers=24, vision_width=1024, vision_patch_size=14,
              context_length=CONTEXT, vocab_size=49408, transformer_width=768, transformer_layers=12),
}


class LayerNorm(nn.LayerNorm):
    """torch's LayerNorm, computed in float32 whatever the input's dtype (as CLIP does for fp16)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        return super().forward(x.type(torch.float32)).type(dtype)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model: int, n_head: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ('c_fc', nn.Linear(d_model, d_model * 4)),
            ('gelu', QuickGELU()),
            ('c_proj', nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x: torch.Tensor, attn_mask: torch.Tensor = None) -> torch.Tensor:
        if attn_mask is None and self.attn_mask is not None:
            self.attn_mask = self.attn_mask.to(dtype=x.dtype, device=x.device)
            attn_mask = self.attn_mask
        return self.attn(x, x, x, need_weights=False, attn_mask=attn_mask)[0]

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor = None) -> torch.Tensor:
        x = x + self.attention(self.ln_1(x), attn_mask)
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor = None) -> torch.Tensor:
        if attn_mask is None:
            return self.resblocks(x)  # the official path: each block uses its own (248 x 248) mask
        for block in self.resblocks:  # the export path: a mask cut to the actual length
            x = block(x, attn_mask)
        return x


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution: int, patch_size: int, width: int, layers: int, heads: int, output_dim: int):
        super().__init__()
        self.input_resolution = input_resolution
        self.output_dim = output_dim
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)                                   # [N, W, g, g]
        x = x.reshape(x.shape[0], x.shape[1], -1)           # [N, W, g*g]
        x = x.permute(0, 2, 1)                              # [N, g*g, W]
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype, device=x.device)
        x = torch.cat([cls, x], dim=1)                      # [N, 1 + g*g, W]
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)                              # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)                              # LND -> NLD
        x = self.ln_post(x[:, 0, :])
        if self.proj is not None:
            x = x @ self.proj
        return x


class LongCLIP(nn.Module):
    def __init__(self, embed_dim: int, image_resolution: int, vision_layers: int, vision_width: int,
                 vision_patch_size: int, context_length: int, vocab_size: int, transformer_width: int,
                 transformer_layers: int, transformer_heads: int = None):
        super().__init__()
        self.context_length = context_length
        self.visual = VisionTransformer(
            input_resolution=image_resolution, patch_size=vision_patch_size, width=vision_width,
            layers=vision_layers, heads=vision_width // 64, output_dim=embed_dim)
        self.transformer = Transformer(
            width=transformer_width, layers=transformer_layers,
            heads=transformer_heads or transformer_width // 64, attn_mask=self.build_attention_mask())
        self.vocab_size = vocab_size
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.positional_embedding_res = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * math.log(1 / 0.07))
        self.initialize_parameters()
        # Plain tensors, not buffers: they are not in the official state_dict.
        self.mask1 = torch.zeros([context_length, 1])
        self.mask1[:KEEP_POSITIONS, :] = 1
        self.mask2 = torch.zeros([context_length, 1])
        self.mask2[KEEP_POSITIONS:, :] = 1

    def initialize_parameters(self):
        """CLIP's `initialize_parameters`; `positional_embedding_res` (left uninitialised by the
        official code, which always loads it) gets the same init as `positional_embedding`."""
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        nn.init.normal_(self.positional_embedding_res, std=0.01)
        width, layers = self.transformer.width, self.transformer.layers
        proj_std = (width ** -0.5) * ((2 * layers) ** -0.5)
        attn_std = width ** -0.5
        fc_std = (2 * width) ** -0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=width ** -0.5)

    def build_attention_mask(self) -> torch.Tensor:
        # additive causal mask: -inf above the diagonal
        mask = torch.empty(self.context_length, self.context_length)
        mask.fill_(float('-inf'))
        mask.triu_(1)
        return mask

    @property
    def dtype(self):
        return self.visual.conv1.weight.dtype

    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image.type(self.dtype))

    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        """The official `encode_text`: `text` is [batch, 248] (padded with zeros)."""
        x = self.token_embedding(text).type(self.dtype)  # [N, 248, W]
        x = x + (self.positional_embedding.to(x.device) * self.mask1.to(x.device)).type(self.dtype) \
              + (self.positional_embedding_res.to(x.device) * self.mask2.to(x.device)).type(self.dtype)
        x = x.permute(1, 0, 2)  # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)  # LND -> NLD
        x = self.ln_final(x).type(self.dtype)
        # features at the end-of-text token (the highest id in each sequence)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def encode_text_dynamic(self, text: torch.Tensor) -> torch.Tensor:
        """The same function for any length L <= 248 without padding: the positional tables and
        the causal mask are cut to L (what the padded official path computes for the first L
        positions, since the mask keeps padding from reaching them)."""
        seq = text.shape[1]
        x = self.token_embedding(text).type(self.dtype)
        pos = self.positional_embedding * self.mask1 + self.positional_embedding_res * self.mask2
        x = x + pos[:seq].type(self.dtype)
        mask = self.transformer.resblocks[0].attn_mask[:seq, :seq].to(x.dtype)
        x = x.permute(1, 0, 2)
        x = self.transformer(x, mask)
        x = x.permute(1, 0, 2)
        x = self.ln_final(x).type(self.dtype)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def forward(self, image, text):
        image_features = self.encode_image(image)
        text_features = self.encode_text(text)
        image_features = image_features / image_features.norm(dim=1, keepdim=True)
        text_features = text_features / text_features.norm(dim=1, keepdim=True)
        logits_per_image = self.logit_scale.exp() * image_features @ text_features.t()
        return logits_per_image, logits_per_image.t()


def fp16_weights(module: nn.Module):
    """The official `convert_weights`: the matrices (Linear/Conv weights and biases, the attention
    in-projection, `text_projection`, `proj`) to float16; the rest stays float32."""

    def convert(layer):
        if isinstance(layer, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            layer.weight.data = layer.weight.data.half()
            if layer.bias is not None:
                layer.bias.data = layer.bias.data.half()
        if isinstance(layer, nn.MultiheadAttention):
            for name in ['in_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v']:
                t = getattr(layer, name)
                if t is not None:
                    t.data = t.data.half()
        for name in ['text_projection', 'proj']:
            t = getattr(layer, name, None)
            if t is not None:
                t.data = t.data.half()

    module.apply(convert)


def config_from_state_dict(sd: dict) -> dict:
    """The official `build_model`'s reading of the shapes (ViT image tower only)."""
    if 'visual.proj' not in sd:
        raise ValueError('only ViT checkpoints are supported')
    vision_width = sd['visual.conv1.weight'].shape[0]
    vision_layers = len([k for k in sd if k.startswith('visual.') and k.endswith('.attn.in_proj_weight')])
    patch = sd['visual.conv1.weight'].shape[-1]
    grid = round((sd['visual.positional_embedding'].shape[0] - 1) ** 0.5)
    width = sd['ln_final.weight'].shape[0]
    return dict(
        embed_dim=sd['text_projection'].shape[1], image_resolution=patch * grid, vision_layers=vision_layers,
        vision_width=vision_width, vision_patch_size=patch, context_length=sd['positional_embedding'].shape[0],
        vocab_size=sd['token_embedding.weight'].shape[0], transformer_width=width,
        transformer_layers=len({k.split('.')[2] for k in sd if k.startswith('transformer.resblocks')}))


def load_official(path: str) -> LongCLIP:
    """What `longclip.load(path, device='cpu')` does: build from the state_dict, round the matrices
    to float16 (`convert_weights`), load, eval, then `.float()` because the device is the CPU."""
    sd = torch.load(path, map_location='cpu')
    model = LongCLIP(**config_from_state_dict(sd))
    for key in ['input_resolution', 'context_length', 'vocab_size']:
        sd.pop(key, None)
    fp16_weights(model)
    model.load_state_dict(sd)
    model.eval()
    model.float()
    return model
