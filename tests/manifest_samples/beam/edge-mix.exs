defmodule Platform.Umbrella.MixProject do
  use Mix.Project

  def project do
    [apps_path: "apps", version: "0.1.0", start_permanent: Mix.env() == :prod, deps: [
      {:broadway, "~> 1.0"},
      {:shared, in_umbrella: true},
      {:gettext_fork, hex: :gettext, override: true},
      {:local_lib, path: "../local_lib"},
      {:dialyxir, "~> 1.4", only: [:dev], runtime: false},
      {:nimble_options, "~> 1.0", only: [:dev, :prod]}
    ]]
  end

  defp aliases do
    [setup: ["deps.get"], test: [{:not_a_dep, "1"}]]
  end
end
