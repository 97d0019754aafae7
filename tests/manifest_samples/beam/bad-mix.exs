defmodule Broken.MixProject do
  use Mix.Project

  defp deps do
    [
      {:phoenix, "~> 1.7"
    ]
  end
end
