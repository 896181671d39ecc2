"""Tiny randomly initialised diffusers pipelines, built from configs and saved to a folder: the real
loading and generation code runs on them fully offline (nothing is downloaded)."""

from __future__ import annotations

import json
from pathlib import Path

CHARS = "abcdefghijklmnopqrstuvwxyz0123456789,.!-'"


def write_tokenizer(folder: Path) -> Path:
    """A CLIP BPE tokenizer over single characters (plus one merge), written as vocab.json/merges.txt."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokens = ["<|startoftext|>", "<|endoftext|>", "!"] + [c for c in CHARS] + [c + "</w>" for c in CHARS] + ["th", "the</w>"]
    vocab = {}
    for token in tokens:
        vocab.setdefault(token, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\nt h\nth e</w>\n")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77,
                              pad_token="!")  # fmt: skip
    tokenizer.save_pretrained(folder)
    return folder


def _text_config(vocab_size: int, hidden: int = 32):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(bos_token_id=0, eos_token_id=1, pad_token_id=2, hidden_size=hidden, projection_dim=hidden,
                          intermediate_size=37, num_attention_heads=4, num_hidden_layers=2, vocab_size=vocab_size,
                          max_position_embeddings=77)  # fmt: skip


def _vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(block_out_channels=[32, 64], in_channels=3, out_channels=3, latent_channels=4,
                         down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                         up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"])  # fmt: skip


def _ddim():
    from diffusers import DDIMScheduler

    return DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                         set_alpha_to_one=False, steps_offset=1)  # fmt: skip


def build_sd15(folder: Path) -> Path:
    import torch
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    tokenizer = CLIPTokenizer.from_pretrained(write_tokenizer(folder.parent / (folder.name + "_tok")))
    unet = UNet2DConditionModel(block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4,
                                out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32)  # fmt: skip
    pipe = StableDiffusionPipeline(vae=_vae(), text_encoder=CLIPTextModel(_text_config(len(tokenizer))),
                                   tokenizer=tokenizer, unet=unet, scheduler=_ddim(), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)  # fmt: skip
    pipe.save_pretrained(folder)
    return folder


def build_sdxl(folder: Path) -> Path:
    import torch
    from diffusers import StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    torch.manual_seed(0)
    tokenizer = CLIPTokenizer.from_pretrained(write_tokenizer(folder.parent / (folder.name + "_tok")))
    unet = UNet2DConditionModel(block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4,
                                out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(2, 4),
                                use_linear_projection=True, addition_embed_type="text_time",
                                addition_time_embed_dim=8, projection_class_embeddings_input_dim=80,
                                cross_attention_dim=64, norm_num_groups=1)  # fmt: skip
    pipe = StableDiffusionXLPipeline(vae=_vae(), text_encoder=CLIPTextModel(_text_config(len(tokenizer))),
                                     text_encoder_2=CLIPTextModelWithProjection(_text_config(len(tokenizer))),
                                     tokenizer=tokenizer, tokenizer_2=tokenizer, unet=unet, scheduler=_ddim())  # fmt: skip
    pipe.save_pretrained(folder)
    return folder


def _kandinsky_unet(in_channels: int):
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        in_channels=in_channels, out_channels=8, addition_embed_type="image",
        down_block_types=("ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D"),
        up_block_types=("SimpleCrossAttnUpBlock2D", "ResnetUpsampleBlock2D"),
        mid_block_type="UNetMidBlock2DSimpleCrossAttn", block_out_channels=(32, 64), layers_per_block=1,
        encoder_hid_dim=32, encoder_hid_dim_type="image_proj", cross_attention_dim=32, attention_head_dim=4,
        resnet_time_scale_shift="scale_shift", class_embed_type=None,
    )  # fmt: skip


def _movq():
    from diffusers import VQModel

    return VQModel(block_out_channels=[32, 64], down_block_types=["DownEncoderBlock2D", "AttnDownEncoderBlock2D"],
                   in_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=8, norm_type="spatial",
                   num_vq_embeddings=12, out_channels=3, up_block_types=["AttnUpDecoderBlock2D", "UpDecoderBlock2D"],
                   vq_embed_dim=4)  # fmt: skip


def build_kandinsky(folder: Path) -> Path:
    """``folder/prior``, ``folder/decoder`` and ``folder/inpaint``, as :class:`KandinskyGenerator` expects."""
    import torch
    from diffusers import (
        DDIMScheduler, KandinskyV22InpaintPipeline, KandinskyV22Pipeline, KandinskyV22PriorPipeline,
        PriorTransformer, UnCLIPScheduler,
    )  # fmt: skip
    from transformers import (
        CLIPImageProcessor, CLIPTokenizer, CLIPTextModelWithProjection, CLIPVisionConfig,
        CLIPVisionModelWithProjection,
    )  # fmt: skip

    torch.manual_seed(0)
    tokenizer = CLIPTokenizer.from_pretrained(write_tokenizer(folder / "tokenizer_src"))
    prior = PriorTransformer(num_attention_heads=2, attention_head_dim=16, embedding_dim=32, num_layers=1)
    prior.clip_std = torch.nn.Parameter(torch.ones(prior.clip_std.shape))
    image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=32, image_size=32, projection_dim=32, intermediate_size=37, num_attention_heads=4,
        num_channels=3, num_hidden_layers=2, patch_size=8))  # fmt: skip
    processor = CLIPImageProcessor(crop_size=32, do_center_crop=True, do_normalize=True, do_resize=True,
                                   image_mean=[0.48145466, 0.4578275, 0.40821073],
                                   image_std=[0.26862954, 0.26130258, 0.27577711], resample=3, size=32)  # fmt: skip
    KandinskyV22PriorPipeline(
        prior=prior, image_encoder=image_encoder, text_encoder=CLIPTextModelWithProjection(_text_config(len(tokenizer))),
        tokenizer=tokenizer, scheduler=UnCLIPScheduler(variance_type="fixed_small_log", prediction_type="sample",
                                                       num_train_timesteps=1000, clip_sample=True,
                                                       clip_sample_range=10.0),
        image_processor=processor,
    ).save_pretrained(folder / "prior")  # fmt: skip
    scheduler = DDIMScheduler(num_train_timesteps=1000, beta_schedule="linear", beta_start=0.00085, beta_end=0.012,
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1, prediction_type="epsilon",
                              thresholding=False)  # fmt: skip
    KandinskyV22Pipeline(unet=_kandinsky_unet(4), scheduler=scheduler, movq=_movq()).save_pretrained(folder / "decoder")
    KandinskyV22InpaintPipeline(unet=_kandinsky_unet(9), scheduler=scheduler, movq=_movq()).save_pretrained(
        folder / "inpaint"
    )
    return folder
