import ELSA
print("elsa")
