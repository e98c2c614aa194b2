from .grades import ComponentGrade, Grade
from .programme import Assessment, Module, Programme, TeachingUnit, UnitComponent

__all__ = ["Assessment", "ComponentGrade", "Grade", "Module", "Programme", "TeachingUnit", "UnitComponent"]
