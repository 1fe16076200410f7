# Offline checks: TerraformPolicyTest (Maven, parses every .tf file here with a strict HCL parser and
# applies the policies) and ci/offline-checks.sh (npm @cdktf/hcl2json, a second parser).
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }
}

variable "emr_release_label" {
  description = "EMR release: pick one whose Spark version matches the one the jar is built for"
  type        = string
}

variable "dataproc_image_version" {
  description = "Dataproc image: pick one whose Spark version matches the one the jar is built for"
  type        = string
}

variable "subnet_id" {
  description = "Private subnet of the EMR cluster"
  type        = string
}
